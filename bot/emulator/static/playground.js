// The playground page: shows what /playground/state says and sends what the person does.
// Every piece of workspace content arrives as HTML escaped by the server (bot/emulator/render.py);
// everything this script writes itself goes through textContent, never innerHTML.
"use strict";

(() => {
  const POLL_MS = 1000; // one request a second at most, and only after the last one finished
  const UI = {
    sv: {
      who: "Du är", apps: "Förvaltningsbot", channels: "Kanaler", send: "Skicka",
      tag: "lekplats · ingen riktig Slack",
      placeholder: (cmd) => `Skriv ${cmd} hjälp, eller ett meddelande`,
      people: "Personer", channelHint: "Kanaler", submit: "Skicka", close: "Avbryt",
      unreachable: "Lekplatsen svarar inte – körs forvaltningsbot fortfarande?",
    },
    en: {
      who: "You are", apps: "Förvaltningsbot", channels: "Channels", send: "Send",
      tag: "playground · not real Slack",
      placeholder: (cmd) => `Type ${cmd} help, or a message`,
      people: "People", channelHint: "Channels", submit: "Submit", close: "Cancel",
      unreachable: "The playground does not answer – is forvaltningsbot still running?",
    },
  };
  const $ = (id) => document.getElementById(id);
  const store = window.localStorage;
  const view = {
    user: store.getItem("playground.user") || "",
    conversation: store.getItem("playground.conversation") || "",
    data: null,
    html: null,
    people: null,
    modalKey: null,
    seen: {},
    timer: null,
    seq: 0,
  };

  function text(el, value) { el.textContent = value; }

  function toast(message) {
    const el = $("toast");
    text(el, message);
    el.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { el.hidden = true; }, 5000);
  }

  async function post(action, body) {
    let data = {};
    let status = 0;
    try {
      const res = await fetch(`/playground/${action}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ user: view.user, ...body }),
      });
      status = res.status;
      data = await res.json();
    } catch (err) {
      data = { ok: false, error: String(err) };
    }
    if (!data.ok) toast(data.error || `HTTP ${status}`);
    await refresh();
    return Boolean(data.ok);
  }

  // Only the latest refresh shows its answer and schedules the next poll, so an action's
  // refresh racing a timer's never shows older state, and there is always exactly one loop.
  async function refresh() {
    clearTimeout(view.timer);
    const mine = ++view.seq;
    try {
      const query = new URLSearchParams({ user: view.user, conversation: view.conversation });
      const res = await fetch(`/playground/state?${query}`);
      const data = await res.json();
      if (data.ok && mine === view.seq) show(data);
    } catch (err) {
      toast((UI[view.data ? view.data.lang : "sv"] || UI.sv).unreachable);
    } finally {
      if (mine === view.seq) view.timer = setTimeout(refresh, POLL_MS);
    }
  }

  function choose(conversation) {
    view.conversation = conversation;
    store.setItem("playground.conversation", conversation);
    view.html = null;
    if (conversation === "home") {
      post("home", {}); // Slack tells the app each time the Home tab is opened
    } else {
      refresh();
    }
  }

  function showPeople(data) {
    const key = JSON.stringify(data.people);
    const select = $("person");
    if (view.people !== key) {
      view.people = key;
      select.replaceChildren(...data.people.map((p) => {
        const option = document.createElement("option");
        option.value = p.id;
        option.dataset.handle = p.name;
        text(option, p.role ? `${p.real_name} – ${p.role}` : p.real_name);
        return option;
      }));
    }
    select.value = data.me.id;
    text($("role"), `@${data.me.name} · ${data.me.locale}`);
  }

  function showSidebar(data) {
    const apps = [];
    const channels = [];
    for (const c of data.conversations) {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "conv";
      button.dataset.id = c.id;
      button.dataset.kind = c.kind;
      text(button, c.kind === "channel" ? `# ${c.name}` : c.name);
      if (c.id === data.current) {
        button.classList.add("current");
        view.seen[c.id] = c.last;
      } else if (c.last && c.last > (view.seen[c.id] || "")) {
        button.classList.add("unread");
      }
      button.addEventListener("click", () => choose(c.id));
      li.append(button);
      (c.kind === "channel" ? channels : apps).push(li);
    }
    $("apps").replaceChildren(...apps);
    $("channels").replaceChildren(...channels);
  }

  function showConversation(data) {
    const current = data.conversations.find((c) => c.id === data.current);
    text($("conv-title"), current.kind === "channel" ? `# ${current.name}` : `${data.bot} – ${current.name}`);
    const box = $("conversation");
    if (view.html !== data.html) {
      const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
      box.innerHTML = data.html; // escaped by the server, see the comment at the top
      view.html = data.html;
      if (atBottom || current.kind !== "home") box.scrollTop = box.scrollHeight;
    }
    const ui = UI[data.lang] || UI.sv;
    $("composer").hidden = current.kind === "home";
    $("message").placeholder = ui.placeholder(data.command);
    const people = data.people.map((p) => `@${p.name}`).join(" ");
    const channels = data.channel_names.map((c) => `#${c}`).join(" ");
    text($("hints"), `${ui.people}: ${people} · ${ui.channelHint}: ${channels}`);
  }

  function showModal(data) {
    const modal = data.modal;
    const el = $("modal");
    if (!modal) {
      el.hidden = true;
      view.modalKey = null;
      return;
    }
    const key = `${modal.id}:${modal.hash}`;
    if (view.modalKey === key) return; // do not wipe what the person is typing
    const ui = UI[data.lang] || UI.sv;
    const typed = collect();
    view.modalKey = key;
    text($("modal-title"), modal.title);
    const body = $("modal-body");
    body.dataset.view = modal.id;
    body.innerHTML = modal.html; // escaped by the server
    for (const field of body.querySelectorAll(".bk-field")) {
      const kept = (typed[field.dataset.blockId] || {})[field.dataset.actionId];
      if (kept !== undefined) field.value = kept;
    }
    text($("modal-close"), modal.close || ui.close);
    const submit = $("modal-submit");
    submit.hidden = !modal.submit;
    text(submit, modal.submit || ui.submit);
    el.hidden = false;
    const first = body.querySelector(".bk-field");
    if (first && document.activeElement === document.body) first.focus();
  }

  function collect() {
    const values = {};
    for (const field of $("modal-body").querySelectorAll(".bk-field")) {
      const block = field.dataset.blockId;
      values[block] = values[block] || {};
      values[block][field.dataset.actionId] = field.value;
    }
    return values;
  }

  function show(data) {
    view.data = data;
    view.user = data.me.id;
    view.conversation = data.current;
    store.setItem("playground.user", data.me.id);
    const ui = UI[data.lang] || UI.sv;
    document.documentElement.lang = data.lang;
    text($("team"), data.team);
    text($("tag"), ui.tag);
    text($("who-label"), ui.who);
    text($("apps-label"), data.bot);
    text($("channels-label"), ui.channels);
    text($("send"), ui.send);
    document.title = `${data.title} – ${data.me.real_name}`;
    showPeople(data);
    showSidebar(data);
    showConversation(data);
    showModal(data);
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action-id]");
    if (button) {
      const container = button.closest("[data-container]");
      if (!container) return;
      const body = { action_id: button.dataset.actionId };
      if (button.dataset.value !== undefined) body.value = button.dataset.value;
      if (container.dataset.container === "view") {
        body.view = container.dataset.view;
      } else {
        body.channel = container.dataset.channel;
        body.ts = container.dataset.ts;
      }
      post("click", body);
      return;
    }
    const link = event.target.closest("a.channel-link");
    if (link) {
      event.preventDefault();
      const known = view.data && view.data.conversations.some((c) => c.id === link.dataset.channel);
      if (known) choose(link.dataset.channel);
    }
  });

  $("person").addEventListener("change", (event) => {
    view.user = event.target.value;
    store.setItem("playground.user", view.user);
    view.html = null;
    view.modalKey = null;
    view.seen = {};
    if (view.conversation === "home") choose("home"); else refresh();
  });

  $("composer").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("message");
    const value = input.value.trim();
    if (!value) return;
    input.disabled = true;
    const sent = await post("command", { conversation: view.conversation, text: value });
    input.disabled = false;
    if (sent) input.value = "";
    input.focus();
  });

  $("modal-submit").addEventListener("click", () => {
    post("submit", { view: $("modal-body").dataset.view, values: collect() });
  });
  $("modal-close").addEventListener("click", () => {
    post("close", { view: $("modal-body").dataset.view });
  });

  if (view.conversation === "home") choose("home"); else refresh();
})();
