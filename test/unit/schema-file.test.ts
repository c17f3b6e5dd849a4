import { readFile } from 'node:fs/promises';
import { SCHEMA_FILE } from '../../src/paths';
import { printSortedSchema } from '../../src/graphql/schema';

describe('schema/schema.graphql', () => {
  it('matches the schema the code emits (run `npm run schema` and commit when this fails)', async () => {
    const committed = await readFile(SCHEMA_FILE, 'utf8');
    expect(committed).toBe(await printSortedSchema());
  });

  it('describes every type and field', async () => {
    const text = await printSortedSchema();
    const undocumented = text
      .split('\n')
      .map((line, i, lines) => ({ line, previous: lines[i - 1] ?? '' }))
      .filter(
        ({ line, previous }) =>
          /^ {2}\w+[(:]/.test(line) && !previous.trim().endsWith('"""') && !previous.trim().startsWith('"'),
      )
      .map(({ line }) => line.trim());
    expect(undocumented).toEqual([]);
  });
});
