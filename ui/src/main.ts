import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { lang } from './lib/i18n';

document.documentElement.lang = lang();

const target = document.getElementById('app');
if (target === null) {
  throw new Error('index.html has no #app element');
}

export default mount(App, { target });
