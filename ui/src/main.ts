import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { router } from './router';
import { useAuthStore } from './stores/auth';
import { useThemeStore } from './stores/theme';
import './styles.css';

const app = createApp(App);
app.use(createPinia());
useThemeStore();
const auth = useAuthStore();
auth.restore();
auth.whenSignedOut(() => {
  if (router.currentRoute.value.name !== 'signin') void router.push({ name: 'signin' });
});
app.use(router);
app.mount('#app');
