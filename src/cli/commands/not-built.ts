/** Commands that later work fills in say so plainly, with no fake output. */
import { HardnutError } from '../../core/errors.js';

export function notBuilt(what: string, issue: number): never {
  throw new HardnutError('NOT_BUILT', `'hardnut ${what}' is not built yet (tracked in issue ${issue}); it does nothing for now`);
}
