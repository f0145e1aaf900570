// One failing panel shows its message in place; the map and the other panels keep working.
// `reset` renders the children again (a form whose state lives above the boundary comes back
// with everything typed, client/features/dispatch/draft-store.ts).
import { Component, type ReactNode } from 'react';
import { errorText } from './i18n.ts';

export class ErrorBoundary extends Component<{ fallback: (message: string, reset: () => void) => ReactNode; children: ReactNode }, { message: string | null }> {
  state = { message: null as string | null };
  static getDerivedStateFromError(err: unknown) {
    // a refusal thrown while rendering is said in the UI's language, like any other
    return { message: errorText(err) };
  }
  reset = () => this.setState({ message: null });
  render() {
    return this.state.message === null ? this.props.children : this.props.fallback(this.state.message, this.reset);
  }
}
