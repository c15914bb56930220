// Who is annotating: the git user name (what their commits of the case file will say), else the
// operating system's user name.
import { execFile } from 'node:child_process';
import { homedir, userInfo } from 'node:os';

/**
 * `repo`: a folder whose own git configuration may name the analyst (the workspace, once the user
 * trusts it; the case file's folder for the CLI). Without it, that of no folder: a planted
 * `.git/config` in an evidence folder would choose whose name the annotations carry. Either way
 * git runs from the home folder (`git -C repo`), never from the folder read: on Windows the
 * program is looked for in the working folder first, where a planted `git.exe` would run.
 */
export async function analystName(repo?: string): Promise<string> {
  const git = await new Promise<string>((resolve) => {
    execFile(
      'git',
      [...(repo ? ['-C', repo] : []), 'config', 'user.name'],
      { cwd: homedir(), timeout: 5000, windowsHide: true },
      (error, stdout) => resolve(error ? '' : String(stdout).trim()),
    );
  });
  if (git) return git;
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
