# An AWS CLI plugin for bench/validate-s3.bench.ts, loaded through the [plugins] section of the
# bench's own AWS config file: `aws cloudtrail validate-logs` makes its S3 clients itself
# (S3ClientProvider, after GetBucketLocation) and its --endpoint-url reaches only CloudTrail, so
# this points those S3 clients at the local S3 server named by CTL_BENCH_S3_ENDPOINT, with
# path-style addressing. Nothing else of the command changes.
import os

from botocore.config import Config


def awscli_initialize(event_hooks):
    endpoint = os.environ.get('CTL_BENCH_S3_ENDPOINT')
    if not endpoint:
        return
    from awscli.customizations.cloudtrail import validation

    def _create_client(self, region_name):
        if region_name not in self._client_cache:
            self._client_cache[region_name] = self._session.create_client(
                's3', region_name, endpoint_url=endpoint,
                config=Config(s3={'addressing_style': 'path'}))
        return self._client_cache[region_name]

    validation.S3ClientProvider._create_client = _create_client
