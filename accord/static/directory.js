// The directory's public pages. On a phone the search results come first: the filters fold
// behind "Filter results" and the map stays closed (both one tap away, by keyboard too).
// Without JavaScript the filters stay open and the map, which needs JavaScript, stays shut.
// The print view's Print button shows only here, where it can work.

// GOV.UK Frontend's tablet breakpoint (641px): narrower is a phone.
const narrow = window.matchMedia("(max-width: 40.0525em)").matches;

for (const details of document.querySelectorAll("details[data-app-fold='narrow']")) {
  if (narrow) details.open = false;
}
for (const details of document.querySelectorAll("details[data-app-unfold='wide']")) {
  if (!narrow) details.open = true;
}
for (const button of document.querySelectorAll("button[data-app-print]")) {
  button.addEventListener("click", () => window.print());
}
