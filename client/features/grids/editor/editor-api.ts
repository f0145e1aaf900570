// What the grid editor asks the server (router `grids`, docs/decisions/0027-grid-editor.md), as
// an interface, so the panel can be driven by the real tRPC client or by a test's stand-in. Every
// shape is the router's own (RouterInputs / RouterOutputs): nothing is declared twice.
import { api, type RouterInputs, type RouterOutputs } from '../../../lib/api.ts';
import type { GridProblem } from '../../../../domain/grid-rules.ts';

type In = RouterInputs['grids'];
type Out = RouterOutputs['grids'];

/**
 * JSON turns `where`'s unknown coordinates optional in the inferred types: the problems are the
 * server's GridProblem all the same.
 */
type WithProblems<T> = Omit<T, 'problems'> & { problems: GridProblem[] };

export type HistoryVersion = Out['history']['versions'][number];
export type ImportAnswer = WithProblems<Out['importPreview']>;
export type DraftRequest = In['validate'];

export interface EditorApi {
  editArea(input: In['editArea']): Promise<Out['editArea']>;
  validate(input: DraftRequest): Promise<WithProblems<Out['validate']>>;
  publish(input: In['publish']): Promise<Out['publish']>;
  split(input: In['split']): Promise<Out['split']>;
  merge(input: In['merge']): Promise<Out['merge']>;
  history(input: In['history']): Promise<Out['history']>;
  exportDistrict(input: In['exportDistrict']): Promise<GeoJSON.FeatureCollection>;
  importPreview(input: In['importPreview']): Promise<ImportAnswer>;
}

/** The editor's calls over the app's tRPC client. */
export function createEditorApi(): EditorApi {
  return {
    editArea: (input) => api.grids.editArea.query(input),
    validate: async (input) => (await api.grids.validate.query(input)) as WithProblems<Out['validate']>,
    publish: (input) => api.grids.publish.mutate(input),
    split: (input) => api.grids.split.query(input),
    merge: (input) => api.grids.merge.query(input),
    history: (input) => api.grids.history.query(input),
    exportDistrict: (input) => api.grids.exportDistrict.query(input) as Promise<GeoJSON.FeatureCollection>,
    importPreview: async (input) => (await api.grids.importPreview.query(input)) as ImportAnswer,
  };
}
