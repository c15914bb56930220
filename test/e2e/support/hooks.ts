// mocha root hooks for the e2e suite (loaded with --require): a failing test leaves a
// screenshot of what the workbench showed, named in its failure message; every browser context
// and the browser are closed; user settings a test changed are put back for the next one.
import { closeBrowser, finishTest, rememberUserSettings, restoreUserSettings } from './workbench';

export const mochaHooks = {
  beforeAll(): void {
    rememberUserSettings();
  },
  async afterEach(this: Mocha.Context): Promise<void> {
    const test = this.currentTest;
    const shot = await finishTest(test?.state === 'failed');
    if (shot && test?.err) test.err.message += `\n      screenshot: ${shot}`;
    restoreUserSettings();
  },
  async afterAll(): Promise<void> {
    await closeBrowser();
  },
};
