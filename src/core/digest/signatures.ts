// The signatures file: the S3 user metadata of digest objects, which a local copy of a bucket
// loses. Format (written by the S3 source when it downloads digests, and by hand from
// `aws s3api head-object`):
//
//   {"bucket": "<bucket name>",
//    "objects": {"<digest key>": {"signature": "<hex>", "signature-algorithm": "SHA256withRSA"}}}
//
// Keys are the digests' S3 keys (relative to the bucket root, prefix included).

export const SIGNATURES_FILE_NAME = 'cloudtrail-digest-signatures.json';

/** S3 user metadata of one digest object, by botocore's names. */
export interface DigestMetadata {
  signature?: string;
  'signature-algorithm'?: string;
}

export interface SignaturesFile {
  bucket?: string;
  objects: Map<string, DigestMetadata>;
  file: string;
}

export class SignaturesFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

export function parseSignaturesFile(text: string, file: string): SignaturesFile {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new SignaturesFileError(file, `not valid JSON (${(e as Error).message})`);
  }
  const root = json as { bucket?: unknown; objects?: unknown };
  if (
    !root ||
    typeof root !== 'object' ||
    !root.objects ||
    typeof root.objects !== 'object' ||
    Array.isArray(root.objects)
  ) {
    throw new SignaturesFileError(
      file,
      'expected {"bucket": "<name>", "objects": {"<digest key>": {"signature": "<hex>", "signature-algorithm": "SHA256withRSA"}}}',
    );
  }
  if (root.bucket !== undefined && typeof root.bucket !== 'string')
    throw new SignaturesFileError(file, '"bucket" must be a string');
  const objects = new Map<string, DigestMetadata>();
  for (const [key, meta] of Object.entries(root.objects as Record<string, unknown>)) {
    if (!meta || typeof meta !== 'object')
      throw new SignaturesFileError(file, `objects["${key}"] must be an object`);
    const m = meta as Record<string, unknown>;
    const entry: DigestMetadata = {};
    if (typeof m.signature === 'string') entry.signature = m.signature;
    if (typeof m['signature-algorithm'] === 'string')
      entry['signature-algorithm'] = m['signature-algorithm'];
    objects.set(key.replace(/^\/+/, ''), entry);
  }
  return { bucket: root.bucket as string | undefined, objects, file };
}

export function serializeSignaturesFile(
  bucket: string,
  objects: Map<string, DigestMetadata> | Record<string, DigestMetadata>,
): string {
  const entries = objects instanceof Map ? [...objects.entries()] : Object.entries(objects);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify({ bucket, objects: Object.fromEntries(entries) }, null, 2) + '\n';
}
