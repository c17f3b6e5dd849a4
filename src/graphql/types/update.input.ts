import { Field, InputType } from 'type-graphql';
import { EntryInput, LabelInput } from './entry.type';

/**
 * Changes after the fact. Every field is optional: a field left out changes nothing. Each changed
 * entry is recorded in the thing's `history` (a value set to what it already is records nothing).
 */

const DESCRIPTION = 'The new description (up to 64 KiB); null clears it, leaving the field out keeps it as it is.';
const SET = (what: string) => `${what} to set: added, or overwriting the value of the same key.`;
const REMOVE = (what: string) => `Keys of ${what} to remove (a key not there is ignored); not also set in this call.`;

/**
 * What runs and executions share: both have params, results, labels and annotations. A base
 * class only (type-graphql needs it decorated for the fields to be inherited); no field takes it,
 * so the schema never lists it.
 */
@InputType()
abstract class StepChangesInput {
  @Field(() => String, { nullable: true, description: DESCRIPTION })
  description?: string | null;

  @Field(() => [EntryInput], {
    nullable: true,
    description: `${SET('Params')} Only while it is RUNNING (PRECONDITION_FAILED otherwise).`,
  })
  setParams?: EntryInput[] | null;

  @Field(() => [EntryInput], { nullable: true, description: `${SET('Results')} In any state.` })
  setResults?: EntryInput[] | null;

  @Field(() => [String], { nullable: true, description: REMOVE('results') })
  removeResults?: string[] | null;

  @Field(() => [LabelInput], { nullable: true, description: SET('Labels') })
  setLabels?: LabelInput[] | null;

  @Field(() => [String], { nullable: true, description: REMOVE('labels') })
  removeLabels?: string[] | null;

  @Field(() => [EntryInput], { nullable: true, description: SET('Annotations') })
  setAnnotations?: EntryInput[] | null;

  @Field(() => [String], { nullable: true, description: REMOVE('annotations') })
  removeAnnotations?: string[] | null;
}

@InputType({ description: "Changes to a run's description, params, results, labels and annotations." })
export class RunChangesInput extends StepChangesInput {}

@InputType({ description: "Changes to an execution's description, params, results, labels and annotations." })
export class ExecutionChangesInput extends StepChangesInput {}

@InputType({ description: "Changes to an artifact version's description, labels and properties, in any state." })
export class ArtifactChangesInput {
  @Field(() => String, { nullable: true, description: DESCRIPTION })
  description?: string | null;

  @Field(() => [LabelInput], { nullable: true, description: SET('Labels') })
  setLabels?: LabelInput[] | null;

  @Field(() => [String], { nullable: true, description: REMOVE('labels') })
  removeLabels?: string[] | null;

  @Field(() => [EntryInput], { nullable: true, description: SET('Properties') })
  setProperties?: EntryInput[] | null;

  @Field(() => [String], { nullable: true, description: REMOVE('properties') })
  removeProperties?: string[] | null;
}
