// Routes. Every view is a route-level dynamic import, so a view's code loads only when it is first opened and the
// initial load stays small (docs/dashboard.md, "Bundle size").
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { useAuthStore } from './stores/auth';

const routes: RouteRecordRaw[] = [
  { path: '/signin', name: 'signin', component: () => import('./views/SignInView.vue'), meta: { public: true, title: 'Sign in' } },
  { path: '/', name: 'overview', component: () => import('./views/OverviewView.vue'), meta: { title: 'Overview' } },
  { path: '/chat', name: 'chat', component: () => import('./views/ChatView.vue'), meta: { title: 'Chat' } },
  { path: '/chat/:sessionKey', name: 'chat-session', component: () => import('./views/ChatView.vue'), props: true, meta: { title: 'Chat' } },
  { path: '/sessions', name: 'sessions', component: () => import('./views/SessionsView.vue'), meta: { title: 'Sessions' } },
  {
    path: '/sessions/:sessionKey',
    name: 'session-detail',
    component: () => import('./views/SessionDetailView.vue'),
    props: true,
    meta: { title: 'Session' },
  },
  { path: '/agents', name: 'agents', component: () => import('./views/AgentsView.vue'), meta: { title: 'Agents' } },
  { path: '/tools', name: 'tools', component: () => import('./views/ToolsView.vue'), meta: { title: 'Tools' } },
  { path: '/channels', name: 'channels', component: () => import('./views/ChannelsView.vue'), meta: { title: 'Channels' } },
  { path: '/usage', name: 'usage', component: () => import('./views/UsageView.vue'), meta: { title: 'Usage' } },
  { path: '/config', name: 'config', component: () => import('./views/ConfigView.vue'), meta: { title: 'Config' } },
  { path: '/users', name: 'users', component: () => import('./views/UsersView.vue'), meta: { title: 'Users' } },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue'), meta: { title: 'Not found' } },
];

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean;
    /** The document title's first part. */
    title?: string;
  }
}

/** The dashboard's router (HTML5 history; the gateway serves index.html for unknown paths). */
export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
});

router.beforeEach((to) => {
  const auth = useAuthStore();
  if (!to.meta.public && !auth.signedIn) {
    return { name: 'signin', query: to.fullPath !== '/' ? { next: to.fullPath } : {} };
  }
  if (to.name === 'signin' && auth.signedIn) return { name: 'overview' };
  return true;
});

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · OpenClaw` : 'OpenClaw';
});
