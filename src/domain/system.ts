export interface ServerInfoRecord {
  version: string;
  schemaVersion: number;
}
