import { render } from 'preact';

render(<p>b24-gdpr</p>, document.getElementById('app') as HTMLElement);
