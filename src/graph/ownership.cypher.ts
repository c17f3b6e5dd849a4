/**
 * The workspace a run, an execution or an artifact version lives in, by its uid (each a unique-constraint seek): what
 * authorizing a write named only by id needs to know before a one-statement write runs.
 */
export const WORKSPACE_OF_RUN = `
MATCH (n:Run {uid: $uid})
RETURN n.workspace AS workspace`;

export const WORKSPACE_OF_EXECUTION = `
MATCH (n:Execution {uid: $uid})
RETURN n.workspace AS workspace`;

export const WORKSPACE_OF_ARTIFACT = `
MATCH (n:Artifact {uid: $uid})
RETURN n.workspace AS workspace`;
