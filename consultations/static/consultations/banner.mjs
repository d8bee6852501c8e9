// The consultation banner's "Hide this message" button. The choice is remembered in this browser's
// localStorage, per consultation, so the server never sees it and sets no cookie. Without JavaScript (or
// with storage blocked) the button stays hidden and the banner simply stays.
const KEY = "peel.hidden-consultations";

function hiddenSlugs() {
  try {
    const value = JSON.parse(window.localStorage.getItem(KEY) || "[]");
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}

function remember(slug) {
  try {
    window.localStorage.setItem(KEY, JSON.stringify([...new Set([...hiddenSlugs(), slug])].slice(-20)));
    return true;
  } catch {
    return false;
  }
}

const banner = document.querySelector('[data-module="peel-consultation-banner"]');
if (banner) {
  const hidden = hiddenSlugs();
  for (const item of banner.querySelectorAll("[data-consultation]")) {
    const slug = item.dataset.consultation;
    if (hidden.includes(slug)) {
      item.hidden = true;
      continue;
    }
    const button = item.querySelector("button");
    button.hidden = false;
    button.addEventListener("click", () => {
      if (!remember(slug)) return;
      item.hidden = true;
      if (![...banner.querySelectorAll("[data-consultation]")].some((other) => !other.hidden)) {
        banner.hidden = true;
      }
      // Focus would otherwise fall to the top of the page; the main content is where a reader goes next.
      const main = document.getElementById("main-content");
      if (main) {
        main.setAttribute("tabindex", "-1");
        main.focus();
      }
    });
  }
  if (![...banner.querySelectorAll("[data-consultation]")].some((item) => !item.hidden)) {
    banner.hidden = true;
  }
}
