import { escapeHtml as e } from './escape';
import { PAGE_STYLE } from './page-style';

export interface ShellOptions {
  title: string;
  heading: string;
  /** The line under the heading (escaped here). */
  subtitle: string;
  /** The page's main content, already HTML. */
  main: string;
  /** Live page (dashboard): reloads itself every so many seconds. */
  refreshSeconds?: number;
  /** Shown above the content, such as "database unreachable: retrying". */
  banner?: string;
}

/**
 * The frame of every page (the report, the dashboard, a group's page): inline CSS, no script in
 * a static file and a Content-Security-Policy that forbids every network request; a live page
 * has its one inline refresh script, which may only fetch its own origin.
 */
export function htmlPage(options: ShellOptions): string {
  const live = options.refreshSeconds !== undefined;
  const csp = live
    ? "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'"
    : "default-src 'none'; style-src 'unsafe-inline'";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(options.title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
<h1>${e(options.heading)}</h1>
<p>${e(options.subtitle)}</p>
</header>
<main id="report">
${options.banner ? `<div class="banner" role="alert" id="banner">${e(options.banner)}</div>` : ''}
${options.main}
</main>
<footer>opentelemetry-exporter-mongodb report. Numbers count documents in MongoDB; storm-guard summaries count as the occurrences they stand for.</footer>
${live ? refreshScript(options.refreshSeconds!) : ''}
</body>
</html>
`;
}

/** Live page: fetch the page again, swap the report in place; on failure show a banner and keep retrying. */
function refreshScript(seconds: number): string {
  return `<script>
(() => {
  const every = ${seconds * 1000};
  async function refresh() {
    try {
      const response = await fetch(location.pathname, { cache: 'no-store' });
      if (!response.ok) throw new Error('HTTP ' + response.status);
      const page = new DOMParser().parseFromString(await response.text(), 'text/html');
      document.getElementById('report').replaceWith(page.getElementById('report'));
      document.querySelector('header').replaceWith(page.querySelector('header'));
    } catch (error) {
      let banner = document.getElementById('banner');
      if (!banner) {
        banner = document.createElement('div');
        banner.id = 'banner';
        banner.className = 'banner';
        banner.setAttribute('role', 'alert');
        document.getElementById('report').prepend(banner);
      }
      banner.textContent = 'The dashboard server does not answer (' + error.message + '); retrying every ${seconds} s.';
    } finally {
      setTimeout(refresh, every);
    }
  }
  setTimeout(refresh, every);
})();
</script>`;
}
