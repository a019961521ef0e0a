import { render } from 'preact';
import { App } from '../../src/options/App.tsx';
import '../../src/popup/popup.css';

render(<App />, document.getElementById('app') as HTMLElement);
