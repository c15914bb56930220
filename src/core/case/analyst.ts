// Who is annotating: the git user name (what their commits of the case file will say), else the
// operating system's user name.
import { execFile } from 'node:child_process';
import { homedir, userInfo } from 'node:os';

/**
 * `repo`: a folder whose own git configuration may name the analyst (the workspace, once the user
 * trusts it). Without it git runs from the home folder, never from an evidence folder: there a
 * planted `.git/config` would choose whose name the annotations carry, and on Windows a planted
 * `git.exe` would be what runs (the program is looked for in the working folder first).
 */
export async function analystName(repo?: string): Promise<string> {
  const git = await new Promise<string>((resolve) => {
    execFile(
      'git',
      ['config', 'user.name'],
      { cwd: repo ?? homedir(), timeout: 5000, windowsHide: true },
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
