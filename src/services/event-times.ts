import { badInput, quoted } from '../errors';
import { formatStoreUri } from '../domain/artifact-uri';
import type { EventType, ExecutionRecord } from '../domain/execution';
import { nowIso } from './validate';

/**
 * When an execution's events may be dated: an input was read at or after the execution started;
 * an output was written at or after it started and, once it finished, at or before it finished.
 * Times are the stored ISO format (`parseIsoTime`), so they compare as text.
 */

/** An event as the client named it, with the time it gave (null: none given). */
export interface DatedEvent {
  artifact: string;
  at?: string | null;
}

/** The execution's window, for a message: "started 2026-… and finished 2026-…" or "started 2026-… (still running)". */
function windowOf(execution: Pick<ExecutionRecord, 'startedAt' | 'finishedAt'>): string {
  return execution.finishedAt
    ? `started at ${execution.startedAt} and finished at ${execution.finishedAt}`
    : `started at ${execution.startedAt} and has not finished`;
}

/** BAD_USER_INPUT for the first event dated outside the execution's window, naming it, its time and the window. */
export function checkEventTimes(
  execution: Pick<ExecutionRecord, 'uid' | 'name' | 'startedAt' | 'finishedAt'>,
  type: EventType,
  events: readonly DatedEvent[],
): void {
  const field = type === 'INPUT' ? 'inputs' : 'outputs';
  events.forEach((event, index) => {
    const at = event.at;
    if (!at) return;
    const early = at < execution.startedAt;
    const late = type === 'OUTPUT' && execution.finishedAt !== null && at > execution.finishedAt;
    if (!early && !late) return;
    const rule =
      type === 'INPUT'
        ? 'an input is dated at or after its execution started'
        : 'an output is dated at or after its execution started and, once it finished, at or before it finished';
    throw badInput(
      `${field}[${index}] (artifact ${quoted(event.artifact)}) is dated ${at}, ${early ? 'before' : 'after'} ` +
        `execution ${quoted(execution.name)} (${execution.uid}) ${windowOf(execution)}: ${rule}. ` +
        `Give an \`at\` inside that window, or leave it out (it defaults to a time inside it).`,
      { field: `${field}[${index}].at`, at, startedAt: execution.startedAt, finishedAt: execution.finishedAt },
    );
  });
}

/**
 * The time an event gets when the client gives none: now, kept inside the execution's window (an
 * execution recorded after the fact, finished an hour ago, read and wrote by then, not now).
 */
export function defaultEventTime(execution: Pick<ExecutionRecord, 'startedAt' | 'finishedAt'>): string {
  const now = nowIso();
  if (now < execution.startedAt) return execution.startedAt;
  if (execution.finishedAt !== null && now > execution.finishedAt) return execution.finishedAt;
  return now;
}

/** BAD_USER_INPUT when an execution is said to have finished before it started. */
export function checkExecutionWindow(startedAt: string, finishedAt: string | null): void {
  if (finishedAt === null || finishedAt >= startedAt) return;
  throw badInput(
    `finishedAt ${finishedAt} is before the execution started (startedAt ${startedAt}, which defaults to now); ` +
      'give a startedAt at or before finishedAt.',
    { field: 'finishedAt' },
  );
}

/**
 * finishExecution ends the window now: BAD_USER_INPUT when that is before the execution started,
 * or before an output it already recorded (both dated ahead of the server's clock), which would
 * leave that output dated after the finish. Nothing changes; finishing after that time succeeds.
 */
export function checkFinishTime(
  execution: Pick<ExecutionRecord, 'uid' | 'name' | 'startedAt'>,
  finishedAt: string,
  latestOutput: { at: string; workspace: string; key: string; uid: string } | null,
): void {
  const name = `execution ${quoted(execution.name)} (${execution.uid})`;
  if (finishedAt < execution.startedAt) {
    throw badInput(
      `Finishing ${name} now (${finishedAt}) would end it before it started (${execution.startedAt}); ` +
        'finish it at or after its start.',
      { field: 'id', startedAt: execution.startedAt, finishedAt },
    );
  }
  if (latestOutput && latestOutput.at > finishedAt) {
    throw badInput(
      `Finishing ${name} now (${finishedAt}) would end it before its output ${quoted(formatStoreUri(latestOutput))}, ` +
        `dated ${latestOutput.at}: an output is dated at or before its execution finished. Finish it at or after that time.`,
      { field: 'id', at: latestOutput.at, finishedAt },
    );
  }
}
