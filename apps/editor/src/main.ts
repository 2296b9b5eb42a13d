import { createApp } from 'vue';
import App from './App.vue';
import { createStudio, studioPlugin } from './stores/studio';
import './styles.css';

createApp(App).use(studioPlugin(createStudio())).mount('#app');
