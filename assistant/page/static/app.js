// A click on an answer's [n] marker shows source n in the sources panel (instead of following the link).
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest('a[href^="#bron-"]');
  if (!link) return;
  const card = document.getElementById(link.getAttribute("href").slice(1));
  if (!card) return;
  event.preventDefault();
  event.stopPropagation();
  document.querySelectorAll(".bron.actief").forEach((el) => el.classList.remove("actief"));
  card.classList.add("actief");
  card.scrollIntoView({ behavior: "smooth", block: "nearest" });
}, true);
