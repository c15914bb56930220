// How each kind of document names the settings the rules read (the names differ between API
// inputs, API outputs, CloudFormation and event data stores), and the defaults of absent settings
// that are not the API's.

export interface SettingNames {
  name: string;
  logFileValidation: string;
  kmsKey: string;
  multiRegion: string;
}

export const INPUT_NAMES: SettingNames = {
  name: 'Name',
  logFileValidation: 'EnableLogFileValidation',
  kmsKey: 'KmsKeyId',
  multiRegion: 'IsMultiRegionTrail',
};
export const OUTPUT_NAMES: SettingNames = {
  name: 'Name',
  logFileValidation: 'LogFileValidationEnabled',
  kmsKey: 'KmsKeyId',
  multiRegion: 'IsMultiRegionTrail',
};
export const CFN_NAMES: SettingNames = {
  name: 'TrailName',
  logFileValidation: 'EnableLogFileValidation',
  kmsKey: 'KMSKeyId',
  multiRegion: 'IsMultiRegionTrail',
};
/** AWS::CloudTrail::EventDataStore and CreateEventDataStore. */
export const EVENT_DATA_STORE_NAMES: SettingNames = {
  name: 'Name',
  logFileValidation: '',
  kmsKey: 'KmsKeyId',
  multiRegion: 'MultiRegionEnabled',
};
/** Defaults of CreateEventDataStore: a new store is multi-Region. */
export const EVENT_DATA_STORE_DEFAULTS: Readonly<Record<string, boolean>> = {
  MultiRegionEnabled: true,
};
