// Who is annotating: the git user name of the workspace (what their commits of the case file will
// say), else the operating system's user name.
import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';

export async function analystName(cwd?: string): Promise<string> {
  const git = await new Promise<string>((resolve) => {
    execFile(
      'git',
      ['config', 'user.name'],
      { cwd, timeout: 5000, windowsHide: true },
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
