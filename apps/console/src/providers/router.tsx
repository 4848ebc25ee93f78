// A small router over the History API: three pages do not need more. The
// host answers every non-API path with index.html, so links can be reloaded.
import { createContext, createSignal, type JSX, onCleanup, useContext } from 'solid-js';

export interface Route {
  path: string;
  query: URLSearchParams;
}

export interface Router {
  route(): Route;
  navigate(to: string, options?: { replace?: boolean }): void;
}

const RouterContext = createContext<Router>();

function current(): Route {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

export function RouterProvider(props: { children: JSX.Element }) {
  const [route, setRoute] = createSignal<Route>(current());
  const onPop = () => setRoute(current());
  window.addEventListener('popstate', onPop);
  onCleanup(() => window.removeEventListener('popstate', onPop));
  const router: Router = {
    route,
    navigate: (to, options = {}) => {
      if (options.replace) history.replaceState(null, '', to);
      else history.pushState(null, '', to);
      setRoute(current());
      window.scrollTo({ top: 0 });
    },
  };
  return <RouterContext.Provider value={router}>{props.children}</RouterContext.Provider>;
}

export function useRouter(): Router {
  const router = useContext(RouterContext);
  if (!router) throw new Error('useRouter outside RouterProvider');
  return router;
}

/** A link that navigates without reloading (and still opens in a new tab with a modifier). */
export function Link(props: { href: string; class?: string; children: JSX.Element; title?: string }) {
  const router = useRouter();
  return (
    <a
      href={props.href}
      class={props.class}
      title={props.title}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        router.navigate(props.href);
      }}
    >
      {props.children}
    </a>
  );
}
