// mocha root hooks for the e2e suite (loaded with --require): a failing test leaves a
// screenshot of what the workbench showed, named in its failure message; every browser context
// and the browser are closed.
import { closeBrowser, finishTest } from './workbench';

export const mochaHooks = {
  async afterEach(this: Mocha.Context): Promise<void> {
    const test = this.currentTest;
    const shot = await finishTest(test?.state === 'failed');
    if (shot && test?.err) test.err.message += `\n      screenshot: ${shot}`;
  },
  async afterAll(): Promise<void> {
    await closeBrowser();
  },
};
