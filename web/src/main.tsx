import { render } from 'preact';
import { App } from './App.tsx';
import './app.css';
import { loadSession } from './session.ts';

void loadSession();
render(<App />, document.getElementById('app') as HTMLElement);
