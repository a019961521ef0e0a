import { render } from 'preact';
import { App } from '../../src/popup/App.tsx';
import '../../src/popup/popup.css';

render(<App />, document.getElementById('app') as HTMLElement);
