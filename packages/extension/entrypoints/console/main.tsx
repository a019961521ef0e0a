import { render } from 'preact';
import { App } from '../../src/console/App.tsx';
import '../../src/console/console.css';

render(<App />, document.getElementById('app') as HTMLElement);
