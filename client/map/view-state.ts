// The camera, in WGS-84 degrees and MapLibre zoom levels.
export interface ViewState {
  lng: number;
  lat: number;
  zoom: number;
  bearing: number;
  pitch: number;
}
