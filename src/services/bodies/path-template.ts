import { type PathTemplateSource } from '../../domain/body';
import { badInput, quoted } from '../../errors';

/**
 * Artifact paths from templates (MLRun's artifact_path, seed 000): `{{workspace}}/{{run.uid}}/{{key}}`.
 * The first template set wins in the order call > run > workspace > server. A path is a
 * human-readable name recorded on the artifact (and the file name downloads get); the body
 * itself lives at its content address, so two artifacts with one path never overwrite each other.
 */

/** SKEIN_ARTIFACT_PATH when it is not set. */
export const DEFAULT_ARTIFACT_PATH = '{{workspace}}/{{run.uid}}/{{key}}';
/** The built-in default for an upload that names no run (documented in the README's "Paths"). */
const DEFAULT_ARTIFACT_PATH_WITHOUT_RUN = '{{workspace}}/{{key}}';

const PATH_VARIABLES = ['workspace', 'run.uid', 'run.name', 'key', 'version', 'artifact.uid'] as const;
type Variable = (typeof PATH_VARIABLES)[number];

interface PathValues {
  workspace: string;
  key: string;
  version: number;
  artifactUid: string;
  run?: { uid: string; name: string } | null;
}

const VARIABLE = /\{\{\s*([a-z.]+)\s*\}\}/g;
const LITERAL = /^[A-Za-z0-9_.\-/]*$/;
const MAX_TEMPLATE = 512;

/** Null when the template is usable; otherwise what is wrong with it, in words. */
export function checkPathTemplate(template: string): string | null {
  if (template.length === 0 || template.length > MAX_TEMPLATE) {
    return `an artifact path template must be 1–${MAX_TEMPLATE} characters`;
  }
  for (const m of template.matchAll(VARIABLE)) {
    if (!PATH_VARIABLES.includes(m[1] as Variable)) {
      return `unknown variable {{${m[1]}}} in "${template}"; use ${PATH_VARIABLES.map((v) => `{{${v}}}`).join(', ')}`;
    }
  }
  const literal = template.replace(VARIABLE, '');
  if (!LITERAL.test(literal) || literal.includes('{') || literal.includes('}')) {
    return `"${template}" may hold only letters, digits, "_", ".", "-", "/" besides {{variables}}`;
  }
  if (template.startsWith('/')) return `"${template}" must be relative (no leading "/")`;
  if (template.split('/').some((s) => s === '..' || s === '.'))
    return `"${template}" must not contain "." or ".." segments`;
  return null;
}

/** Throws BAD_USER_INPUT (naming the field) for an unusable template. */
export function validPathTemplate(template: string, field: string): string {
  const problem = checkPathTemplate(template);
  if (problem) throw badInput(`${problem[0]!.toUpperCase()}${problem.slice(1)}.`, { field });
  return template;
}

/**
 * The template as a path. A template without {{key}} names a directory, and the key is appended
 * (as MLRun does). Run variables without a run render empty, but an upload never gets there: see
 * uploadTemplate.
 */
export function renderPath(template: string, values: PathValues): string {
  const withKey = /\{\{\s*key\s*\}\}/.test(template) ? template : `${template}/{{key}}`;
  const text = withKey.replace(VARIABLE, (_, name: Variable) => {
    switch (name) {
      case 'workspace':
        return values.workspace;
      case 'key':
        return values.key;
      case 'version':
        return String(values.version);
      case 'artifact.uid':
        return values.artifactUid;
      case 'run.uid':
        return values.run?.uid ?? '';
      case 'run.name':
        return (values.run?.name ?? '').replace(/[^A-Za-z0-9_.-]/g, '_');
    }
  });
  return text
    .split('/')
    .filter((s) => s !== '' && s !== '.' && s !== '..')
    .join('/');
}

/** The template that applies: the call's, else the run's, else the workspace's, else the server's. */
export function pickTemplate(levels: {
  call?: string | null;
  run?: string | null;
  workspace?: string | null;
  server: string;
}): { template: string; source: PathTemplateSource } {
  if (levels.call) return { template: levels.call, source: 'CALL' };
  if (levels.run) return { template: levels.run, source: 'RUN' };
  if (levels.workspace) return { template: levels.workspace, source: 'WORKSPACE' };
  return { template: levels.server, source: 'SERVER' };
}

const RUN_VARIABLE = /\{\{\s*(run\.(?:uid|name))\s*\}\}/;

/**
 * The template an upload's path is rendered from: the one that applies (pickTemplate). An upload
 * that names no run under a template with a run variable is refused (BAD_USER_INPUT), rather than
 * given a path with the run's segment silently missing: the message says where that template was
 * set and how to change it. Only the built-in server default has a run-less form of its own.
 */
export function uploadTemplate(
  levels: { call?: string | null; run?: string | null; workspace?: string | null; server: string },
  context: { workspace: string; hasRun: boolean },
): string {
  const { template, source } = pickTemplate(levels);
  const variable = RUN_VARIABLE.exec(template)?.[1];
  if (context.hasRun || !variable) return template;
  if (source === 'SERVER' && template === DEFAULT_ARTIFACT_PATH) return DEFAULT_ARTIFACT_PATH_WITHOUT_RUN;
  const where = {
    CALL: { set: 'by this call\'s "artifactPath"', change: 'give an artifactPath without run variables' },
    WORKSPACE: {
      set: `on workspace ${quoted(context.workspace)}`,
      change: `set another with setArtifactPathTemplate(workspace: ${quoted(context.workspace)}, template: …)`,
    },
    SERVER: { set: 'on the server (SKEIN_ARTIFACT_PATH)', change: 'give an "artifactPath" for this upload' },
    RUN: { set: 'on the run', change: 'set another with setArtifactPathTemplate' }, // a run's needs the run: unreachable
  }[source];
  throw badInput(
    `The artifact path template ${quoted(template)}, set ${where.set}, uses {{${variable}}}, but this upload names no run. ` +
      `Pass "artifact.run" (the run's id or uid), or ${where.change}.`,
    { field: source === 'CALL' ? 'artifactPath' : 'artifact.run', template, source },
  );
}
