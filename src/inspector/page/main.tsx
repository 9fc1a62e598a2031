/** The page's entry: styles, then the app on the socket the page was served with (same origin, same token). */
import { render } from 'preact';
import { App } from './app.js';
import { STYLES } from './styles.js';

const style = document.createElement('style');
style.textContent = STYLES;
document.head.append(style);
const token = new URLSearchParams(location.search).get('token') ?? '';
const socketUrl = `ws://${location.host}/socket?token=${encodeURIComponent(token)}`;
render(<App socketUrl={socketUrl} />, document.getElementById('app')!);
