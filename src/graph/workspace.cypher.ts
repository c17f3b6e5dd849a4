import { mapPropCondition } from './props';

export const CREATE_WORKSPACE = `
CREATE (w:Workspace {name: $name, description: $description, createdAt: $now, updatedAt: $now})
SET w += $labels
RETURN properties(w) AS w`;

export const UPDATE_WORKSPACE = `
MATCH (w:Workspace {name: $name})
SET w.description = coalesce($description, w.description), w.updatedAt = $now
WITH w
CALL (w) {
  WITH w WHERE $replaceLabels
  WITH w, [k IN keys(w) WHERE ${mapPropCondition('k', 'label')}] AS old
  FOREACH (k IN old | SET w[k] = null)
  SET w += $labels
}
RETURN properties(w) AS w`;

export const GET_WORKSPACES = `
UNWIND $names AS name
MATCH (w:Workspace {name: name})
RETURN properties(w) AS w`;

export const LIST_WORKSPACES = `
MATCH (w:Workspace)
WHERE w.name STARTS WITH $prefix AND ($after IS NULL OR w.name > $after)
  AND ($includeDeleted OR w.deletedAt IS NULL)
  AND ($readable IS NULL OR w.name IN $readable)
RETURN properties(w) AS w
ORDER BY w.name
LIMIT $limit`;
