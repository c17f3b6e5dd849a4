import { notFound, quoted } from '../../errors';
import { type PathTemplateSource } from '../../domain/body';
import { bodyRepository } from '../../graph/body.repository';
import { runUidOf } from '../run.service';
import { pickTemplate, validPathTemplate } from './path-template';
import { workspaceTarget } from './authorize';
import { type BodyDeps } from './body-deps';
import { refuseDeleted } from '../lifecycle-guard';

/** The artifact path templates set on workspaces and runs: which one applies, and setting them. */

export interface EffectiveTemplate {
  template: string;
  source: PathTemplateSource;
}

/** The template that applies to new uploads in a workspace (or run), and where it comes from (read access). */
export async function pathTemplate(deps: BodyDeps, workspace: string, run?: string | null): Promise<EffectiveTemplate> {
  const runUid = run ? runUidOf(run, 'run') : null;
  await deps.access.require('read', workspaceTarget(workspace), { action: 'artifactPathTemplate' });
  const t = await deps.graph.read((tx) => bodyRepository.templates(tx, workspace, runUid));
  if (!t.workspaceExists) throw notFound('Workspace', workspace);
  if (run && (!t.run || t.run.workspace !== workspace)) throw notFound(`Run in workspace ${quoted(workspace)}`, run);
  return pickTemplate({
    run: t.run?.template,
    workspace: t.workspaceTemplate,
    server: deps.bodies.settings.artifactPath,
  });
}

/**
 * Sets (or, with null, clears) the template of a workspace or of one run (write access); answers
 * the one that now applies.
 */
export async function setPathTemplate(
  deps: BodyDeps,
  workspace: string,
  run: string | null | undefined,
  template: string | null,
): Promise<EffectiveTemplate> {
  if (template != null) validPathTemplate(template, 'template');
  const runUid = run ? runUidOf(run, 'run') : null;
  await deps.access.require('write', workspaceTarget(workspace));
  const found = await deps.graph.write(async (tx) => {
    await refuseDeleted(tx, { workspace, runUid }); // a deleted workspace (or run) refuses changes
    return bodyRepository.setTemplate(tx, workspace, runUid, template);
  });
  if (!found) throw run ? notFound(`Run in workspace ${quoted(workspace)}`, run) : notFound('Workspace', workspace);
  return pathTemplate(deps, workspace, run);
}
