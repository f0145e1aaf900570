// One failing panel shows its message in place; the map and the other panels keep working.
import { Component, type ReactNode } from 'react';

export class ErrorBoundary extends Component<{ fallback: (message: string) => ReactNode; children: ReactNode }, { message: string | null }> {
  state = { message: null as string | null };
  static getDerivedStateFromError(err: unknown) {
    return { message: err instanceof Error ? err.message : String(err) };
  }
  render() {
    return this.state.message === null ? this.props.children : this.props.fallback(this.state.message);
  }
}
