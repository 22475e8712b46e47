// Loaded in <head> without defer, so styles that depend on JavaScript apply before the first paint.
document.documentElement.classList.replace("no-js", "js");
