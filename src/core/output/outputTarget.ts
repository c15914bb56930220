// Where the tool writes what the user asked for (an evidence report, an export): never over what it
// reads. The CLI's `report --output` and the extension's report and timeline export ask here.
import { realpathSync } from 'node:fs';
import * as path from 'node:path';

/** A file or folder the tool reads, and how to name it to the user ("the case file"). */
export interface ReadInput {
  path: string;
  what: string;
}

/** The input `target` would overwrite: the input itself (`same`) or a file under the folder it is. */
export interface OverwrittenInput {
  input: ReadInput;
  same: boolean;
}

/** True when `child` is `parent` or below it (by their paths, as given). */
export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(path.resolve(parent), path.resolve(child));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

function realPath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

/**
 * The input that writing `target` would overwrite: the same file (through any link), or a file
 * under an input folder; for a `target` that does not exist yet, an input of that very name (a
 * case file not written yet). Undefined otherwise: a new file beside the evidence is allowed.
 */
export function overwrittenInput(
  target: string,
  inputs: readonly ReadInput[],
): OverwrittenInput | undefined {
  const real = realPath(target);
  if (real === undefined) {
    // A new file: only an input not made yet has its name (a case file a first save will create).
    const resolved = path.resolve(target);
    const input = inputs.find((i) => path.resolve(i.path) === resolved);
    return input && { input, same: true };
  }
  for (const input of inputs) {
    const source = realPath(input.path);
    if (source === undefined) continue;
    if (isInside(real, source)) return { input, same: source === real };
  }
  return undefined;
}
