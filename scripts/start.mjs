// `npm start`: VS Code (code-server 4.139.1, in your browser) with CloudTrail Lens installed from
// its freshly packaged .vsix, opened on the generated sample CloudTrail folder.
// Usage: npm start [-- --port N] [--folder DIR] [--state DIR] [--vsix FILE] [--workspace-trust]
// (--workspace-trust keeps VS Code's Workspace Trust on: the folder opens in Restricted Mode.)
// (Ctrl-C stops everything it started). The e2e runner starts its server through this script, so
// the UI tests check exactly what `npm start` serves.
// The server listens on 127.0.0.1 only; from another machine, forward the port over SSH.
import { join, resolve } from 'node:path';
import { ensureSetupOrExit, root, VSCODE_VERSION } from './setup.mjs';
import { cleanupAll } from './vscode/cleanup.mjs';
import { freePort, portIsFree, startCodeServer } from './vscode/codeServer.mjs';
import { buildAndInstall, VSIX } from './vscode/extension.mjs';
import { ensureSampleFolder } from './vscode/sample.mjs';

function option(name) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

async function main() {
  const tools = await ensureSetupOrExit();
  // Kept between runs (ignored by git): your layout and settings in this VS Code survive a restart.
  const home = resolve(option('state') ?? join(root, '.vscode-test', 'start'));
  const extensionsDir = join(home, 'extensions');
  const vsix = resolve(option('vsix') ?? VSIX);
  console.log('building and packaging the extension…');
  buildAndInstall(tools, extensionsDir, vsix);
  const folder = option('folder') ? resolve(option('folder')) : ensureSampleFolder();

  const wanted = Number(option('port') ?? process.env.PORT ?? 8080);
  const port = (await portIsFree(wanted)) ? wanted : await freePort();
  if (port !== wanted) console.log(`port ${wanted} is busy; using ${port}`);
  const server = await startCodeServer({
    tools,
    extensionsDir,
    userDataDir: join(home, 'user-data'),
    port,
    logFile: join(home, 'code-server.log'),
    workspaceTrust: process.argv.includes('--workspace-trust'),
  });
  const url = server.workbenchUrl(folder);
  console.log(`
CloudTrail Lens is running in VS Code ${VSCODE_VERSION} (code-server), on ${folder}

  Open ${url}

  Packaged extension: ${vsix}  (VS Code desktop: code --install-extension ${vsix})
  Server log: ${server.logFile}
  From another machine: ssh -L ${port}:127.0.0.1:${port} <this host>, then open the URL above.

Ctrl-C stops the server.`);

  const code = await server.exited;
  console.error(`code-server stopped by itself (${code}); its log: ${server.logFile}`);
  cleanupAll();
  process.exit(1);
}

main().catch((e) => {
  console.error(`npm start failed: ${e?.message ?? e}`);
  cleanupAll();
  process.exit(1);
});
