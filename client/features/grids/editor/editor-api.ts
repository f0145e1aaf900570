// What the grid editor asks the server (router `grids`, docs/decisions/0027-grid-editor.md), as
// an interface, so the panel can be driven by the real tRPC client or by a test's stand-in.
import { api } from '../../../lib/api.ts';
import type { CellAttributes, CellGeometry, GridChange, GridProblem } from '../../../../domain/grid-rules.ts';
import type { EditArea } from './editor-model.ts';

export interface HistoryVersion {
  id: number;
  version: number;
  status: string;
  validFrom: string;
  validTo: string | null;
  areaM2: number;
  publishedBy: string | null;
  geometry: CellGeometry;
}

export interface ImportAnswer {
  changes: GridChange[];
  snapped: { ref: string; vertices: number }[];
  problems: GridProblem[];
  base: Record<string, number>;
}

export interface DraftRequest {
  districtCode: string;
  base: Record<string, number>;
  changes: GridChange[];
}

export interface EditorApi {
  editArea(input: { districtCode: string }): Promise<EditArea>;
  validate(input: DraftRequest): Promise<{ problems: GridProblem[] }>;
  publish(input: DraftRequest & { note: string }): Promise<{ written: { id: number; code: string; version: number; key?: string | null }[]; retired: number[] }>;
  split(input: { id: number; version: number; line: [number, number][] }): Promise<{ pieces: CellGeometry[] }>;
  merge(input: { ids: number[] }): Promise<{ geometry: CellGeometry }>;
  history(input: { code: string }): Promise<{ code: string; versions: HistoryVersion[] }>;
  exportDistrict(input: { districtCode: string }): Promise<GeoJSON.FeatureCollection>;
  importPreview(input: { districtCode: string; features: { code: string | null; geometry: CellGeometry; attributes: CellAttributes }[]; toleranceM: number }): Promise<ImportAnswer>;
}

/**
 * The editor's calls over the app's tRPC client. (JSON turns `where`'s unknown coordinates optional in
 * the inferred types: the problems are the server's GridProblem all the same.)
 */
export function createEditorApi(): EditorApi {
  return {
    editArea: (input) => api.grids.editArea.query(input),
    validate: async (input) => (await api.grids.validate.query(input)) as { problems: GridProblem[] },
    publish: (input) => api.grids.publish.mutate(input),
    split: (input) => api.grids.split.query(input),
    merge: (input) => api.grids.merge.query(input),
    history: (input) => api.grids.history.query(input),
    exportDistrict: (input) => api.grids.exportDistrict.query(input) as Promise<GeoJSON.FeatureCollection>,
    importPreview: async (input) => (await api.grids.importPreview.query(input)) as ImportAnswer,
  };
}
