// nets dashboard: live refresh over Server-Sent Events, and the match replay player.
// Every value from the server is put in the page as text (textContent), never as markup.
"use strict";

function liveRefresh() {
  const main = document.getElementById("live");
  if (!main || main.dataset.live !== "1" || !window.EventSource) return;
  const status = document.getElementById("live-status");
  const source = new EventSource("/live");
  source.onmessage = async (event) => {
    if (event.data === main.dataset.marker) return;
    const response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    const next = fresh.getElementById("live");
    if (!next) return;
    // The server rendered (and escaped) this markup; only our own main element is swapped.
    main.replaceChildren(...Array.from(next.childNodes).map((n) => document.importNode(n, true)));
    main.dataset.marker = next.dataset.marker;
    if (status) {
      status.textContent = "updated " + new Date().toLocaleTimeString();
      status.classList.add("updated");
    }
  };
}

function replayPlayer() {
  const data = document.getElementById("frames");
  if (!data) return;
  const frames = JSON.parse(data.textContent);
  const board = document.getElementById("board");
  const slider = document.getElementById("frame-slider");
  let index = 0;
  let timer = null;
  const text = (id, value) => {
    document.getElementById(id).textContent = value === undefined || value === null ? "" : String(value);
  };

  function drawBoard(b) {
    board.replaceChildren();
    board.className = "board";
    if (b.kind === "grid") {
      board.style.gridTemplateColumns = `repeat(${b.width}, 22px)`;
      for (const cell of b.cells) {
        const div = document.createElement("div");
        div.className = "cell" + (cell ? " " + cell : "");
        board.appendChild(div);
      }
    } else if (b.kind === "history") {
      board.classList.add("history");
      board.style.gridTemplateColumns = "";
      for (const h of b.history) {
        const span = document.createElement("span");
        span.textContent = "value" in h ? String(h.value) : `${h.agent}:${h.other}`;
        board.appendChild(span);
      }
    }
    text("board-text", b.text);
  }

  function show(i) {
    index = Math.max(0, Math.min(frames.length - 1, i));
    const f = frames[index];
    drawBoard(f.board);
    slider.value = String(index);
    text("frame-label", `${f.label} (frame ${index} of ${frames.length - 1})`);
    text("f-action", f.action);
    text("f-outcome", f.outcome);
    text("f-fuel", f.fuel);
    text("f-pre", f.pre);
    text("f-post", f.post);
    text("f-entry", f.entry);
    text("f-claimed", f.claimed === undefined || f.claimed === null ? "" : (f.claimed === f.entry ? "same as the replay" : f.claimed));
    document.getElementById("f-claimed").classList.toggle("differs", Boolean(f.claimed) && f.claimed !== f.entry);
    text("f-dispute", f.dispute ? `dispute #${f.dispute} landed on this step` : "");
    board.classList.toggle("disputed-step", Boolean(f.dispute));
    board.dataset.frame = String(index);
  }

  function stop() {
    if (timer !== null) clearInterval(timer);
    timer = null;
  }

  const actions = {
    first: () => { stop(); show(0); },
    back: () => { stop(); show(index - 1); },
    forward: () => { stop(); show(index + 1); },
    last: () => { stop(); show(frames.length - 1); },
    play: () => {
      if (timer !== null) return stop();
      timer = setInterval(() => {
        if (index >= frames.length - 1) return stop();
        show(index + 1);
      }, 200);
    },
  };
  for (const button of document.querySelectorAll("[data-go]")) {
    button.addEventListener("click", () => actions[button.dataset.go]());
  }
  slider.addEventListener("input", () => { stop(); show(Number(slider.value)); });
  show(0);
}

document.addEventListener("DOMContentLoaded", () => {
  liveRefresh();
  replayPlayer();
});
