// One S3Source per configured bucket/prefix/profile/region/endpoint, so its listing ETags and
// metadata are shared by the tree, the timeline and validation, all over the one on-disk cache
// (set at activation). No vscode here: openSource.ts uses it.
import { S3Source } from '../../core/sources/s3';
import type { S3ObjectCache } from '../../core/sources/s3Cache';
import { LogSource } from '../../core/sources/source';
import { S3SourceConfig, sourceIdentity } from '../sources/sourceConfig';

let cache: S3ObjectCache | undefined;
const sources = new Map<string, S3Source>();

/** The cache every S3Source opened from now on uses. */
export function setS3Cache(c: S3ObjectCache | undefined): void {
  cache = c;
}

/** The S3Source for a configured source (made once, shared). */
export function openS3Source(config: S3SourceConfig): S3Source {
  const id = sourceIdentity(config);
  let source = sources.get(id);
  if (!source) {
    source = new S3Source(
      {
        bucket: config.bucket,
        prefix: config.prefix,
        profile: config.profile,
        region: config.region,
        endpoint: config.endpoint,
      },
      { cache },
    );
    sources.set(id, source);
  }
  return source;
}

/** A local file for the key: an S3 object is downloaded into the cache first. */
export async function localCopyOf(
  source: LogSource,
  key: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const local = source.localPath?.(key);
  if (local || !(source instanceof S3Source)) return local;
  await source.read(key, { signal });
  return source.localPath(key);
}

export function disposeS3Sources(): void {
  for (const s of sources.values()) s.dispose();
  sources.clear();
}
