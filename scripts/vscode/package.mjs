// `npm run package`: a production build packaged into dist/cloudtrail-lens.vsix, for VS Code
// desktop (`code --install-extension dist/cloudtrail-lens.vsix`).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from '../setup.mjs';
import { packageVsix, VSIX } from './extension.mjs';

const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) {
  console.error('the production build failed');
  process.exit(1);
}
try {
  console.log(`packaged ${packageVsix(VSIX)}`);
} catch (e) {
  console.error(e?.message ?? e);
  process.exit(1);
}
