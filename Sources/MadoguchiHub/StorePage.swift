import MadoguchiDomain

/// The copier's touch screen: 行政サービス → 証明書交付 → card → PIN → choose → copies → confirm → pay → print.
/// With a スマホ用電子証明書 the phone is held to the reader instead (no card slot) and unlocked on the phone, by the
/// phone's PIN or its biometrics; the copier's keypad is never used. Japanese first, English on a toggle; every
/// target at least 64 px high.
enum StorePage {
    /// The session states the page compares with, from the one closed set (never spelled again in JavaScript).
    static let states = "{" + KioskSessionState.allCases.map { "\"\($0)\": \"\($0.rawValue)\"" }.joined(separator: ", ") + "}"

    static let html = #"""
<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>マルチコピー機 — 行政サービス</title>
<style>
  :root { --ink: #1b1b1b; --accent: #00693e; --warn: #b00020; --pane: #f4f7f5; }
  * { box-sizing: border-box; }
  body { margin: 0; font-family: "IPAexGothic", "Noto Sans CJK JP", sans-serif; color: var(--ink); background: #dfe6e2; }
  header { display: flex; justify-content: space-between; align-items: center; padding: 12px 24px; background: var(--accent); color: #fff; }
  header h1 { font-size: 24px; margin: 0; }
  main { max-width: 960px; margin: 24px auto; background: #fff; border-radius: 16px; padding: 32px; min-height: 560px; }
  h2 { font-size: 30px; margin: 0 0 24px; }
  p.lead { font-size: 22px; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 16px; }
  button { font: inherit; font-size: 24px; min-height: 72px; padding: 12px 20px; border-radius: 12px; border: 2px solid var(--accent);
           background: var(--pane); color: var(--ink); cursor: pointer; }
  button.primary { background: var(--accent); color: #fff; }
  button:disabled { opacity: .4; cursor: default; }
  button small { display: block; font-size: 18px; color: #444; }
  button.primary small { color: #e8f5ee; }
  #lang { min-height: 56px; font-size: 20px; background: #fff; }
  .keypad { display: grid; grid-template-columns: repeat(3, 120px); gap: 12px; margin: 16px 0; }
  .keypad button { font-size: 34px; min-height: 84px; }
  #pin-dots { font-size: 48px; letter-spacing: 16px; min-height: 64px; }
  .message { font-size: 22px; color: var(--warn); min-height: 32px; }
  .row { display: flex; gap: 16px; align-items: center; margin-top: 24px; flex-wrap: wrap; }
  #copies-count { font-size: 56px; min-width: 100px; text-align: center; }
  table.summary { font-size: 24px; border-collapse: collapse; }
  table.summary td { padding: 8px 16px; border-bottom: 1px solid #ccd; }
  .code { font-family: monospace; font-size: 16px; color: #555; }
  [hidden] { display: none !important; }
  body.busy main { cursor: progress; opacity: .85; }
  .phone { width: 320px; border: 10px solid #222; border-radius: 36px; padding: 20px 16px; background: #fafafa; margin-top: 16px; }
  .phone h3 { font-size: 20px; margin: 0 0 12px; }
  .phone .keypad { grid-template-columns: repeat(3, 84px); }
  .phone .keypad button { font-size: 28px; min-height: 64px; }
  #phone-dots { font-size: 36px; letter-spacing: 12px; min-height: 48px; }
</style>
</head>
<body>
<header><h1 data-i18n="title">行政サービス（証明書交付）</h1><button id="lang" type="button">English</button></header>
<main>
  <section id="screen-top">
    <h2 data-i18n="top">ご利用になるサービスを選んでください</h2>
    <div class="grid">
      <button id="svc-admin" class="primary" data-i18n="admin">行政サービス</button>
      <button disabled data-i18n="copy">コピー</button>
      <button disabled data-i18n="printsvc">プリント</button>
    </div>
  </section>
  <section id="screen-service" hidden>
    <h2 data-i18n="service">行政サービス</h2>
    <div class="grid">
      <button id="svc-certificates" class="primary" data-i18n="certificates">証明書交付</button>
      <button id="svc-honseki" class="primary" data-i18n="honseki">本籍地の証明書（戸籍）</button>
      <button class="home" data-i18n="back">戻る</button>
    </div>
  </section>
  <section id="screen-card" hidden>
    <h2 data-i18n="card">マイナンバーカードを読み取り部に置いてください</h2>
    <p class="lead" data-i18n="cardNote">（シミュレーター：置くカードを選んでください）</p>
    <div id="cards" class="grid"></div>
    <div class="row"><button id="use-phone" data-i18n="usePhone">スマートフォン（スマホ用電子証明書）で利用する</button>
      <button class="home" data-i18n="cancel">やめる</button></div>
  </section>
  <section id="screen-phone" hidden>
    <h2 data-i18n="phone">スマートフォンを読み取り部にかざしてください</h2>
    <p class="lead" data-i18n="phoneNote">（シミュレーター：かざすスマートフォンを選んでください）</p>
    <div id="phones" class="grid"></div>
    <div class="row"><button class="home" data-i18n="cancel">やめる</button></div>
  </section>
  <section id="screen-phone-unlock" hidden>
    <h2 data-i18n="phoneUnlock">スマートフォンの画面で、暗証番号の入力または生体認証を行ってください</h2>
    <div class="message" id="phone-message" role="alert"></div>
    <div class="phone" aria-label="スマートフォン（シミュレーター）">
      <h3 data-i18n="phoneScreen">利用者証明用電子証明書（スマートフォン）</h3>
      <button id="phone-bio" class="primary" data-i18n="bio">生体認証（指紋・顔）</button>
      <button id="phone-bio-fail" data-i18n="bioFail">認証できない指・顔（シミュレーター）</button>
      <div id="phone-dots" aria-live="polite"></div>
      <div class="keypad" id="phone-keypad"></div>
      <div class="row"><button id="phone-clear" data-i18n="clear">訂正</button><button id="phone-pin-ok" class="primary" data-i18n="ok">確定</button></div>
    </div>
    <div class="row"><button class="cancel" data-i18n="cancel">やめる</button></div>
  </section>
  <section id="screen-city" hidden>
    <h2 data-i18n="city">本籍地の市区町村を選んでください</h2>
    <div id="cities" class="grid"></div>
    <div class="row"><button class="cancel" data-i18n="cancel">やめる</button></div>
  </section>
  <section id="screen-pin" hidden>
    <h2 data-i18n="pin">利用者証明用の暗証番号（数字4桁）を入力してください</h2>
    <div id="pin-dots" aria-live="polite"></div>
    <div class="keypad" id="keypad"></div>
    <div class="message" id="pin-message" role="alert"></div>
    <div class="row">
      <button id="pin-clear" data-i18n="clear">訂正</button>
      <button id="pin-ok" class="primary" data-i18n="ok">確定</button>
      <button class="cancel" data-i18n="cancel">やめる</button>
    </div>
  </section>
  <section id="screen-menu" hidden>
    <h2><span id="menu-city"></span> <span data-i18n="menu">取得する証明書を選んでください</span></h2>
    <div id="menu" class="grid"></div>
    <div class="row"><button class="cancel" data-i18n="cancel">やめる</button></div>
  </section>
  <section id="screen-copies" hidden>
    <h2 data-i18n="copies">部数を選んでください</h2>
    <div class="row">
      <button id="copies-minus" aria-label="減らす">−</button>
      <span id="copies-count">1</span>
      <button id="copies-plus" aria-label="増やす">＋</button>
    </div>
    <div class="row"><button id="copies-ok" class="primary" data-i18n="next">次へ</button><button class="cancel" data-i18n="cancel">やめる</button></div>
  </section>
  <section id="screen-confirm" hidden>
    <h2 data-i18n="confirm">内容を確認してください</h2>
    <table class="summary" id="confirm-summary"></table>
    <div class="message" id="confirm-message" role="alert"></div>
    <div class="row"><button id="confirm-ok" class="primary" data-i18n="ok">確定</button><button class="cancel" data-i18n="cancel">やめる</button></div>
  </section>
  <section id="screen-pay" hidden>
    <h2 data-i18n="pay">料金を投入してください</h2>
    <p class="lead"><span data-i18n="amount">金額</span>: <strong id="pay-amount"></strong></p>
    <div class="row"><button id="pay-insert" class="primary" data-i18n="insert">お金を入れる</button><button class="cancel" data-i18n="cancel">やめる</button></div>
  </section>
  <section id="screen-printing" hidden>
    <h2 data-i18n="printing">印刷しています。しばらくお待ちください</h2>
  </section>
  <section id="screen-done" hidden>
    <h2 id="done-message" data-i18n="done">証明書を印刷しました。お取り忘れにご注意ください。</h2>
    <p class="lead" id="take-card" data-i18n="takeCard">マイナンバーカードをお取りください。</p>
    <p><a id="done-document" href="#" target="_blank" data-i18n="view">印刷した証明書（PDF）</a> <span class="code" id="done-id"></span></p>
    <div class="row"><button class="home primary" data-i18n="finish">終了</button></div>
  </section>
  <section id="screen-error" hidden>
    <h2 data-i18n="error">お取り扱いできません</h2>
    <p class="lead" id="error-message" role="alert"></p>
    <p class="code" id="error-code"></p>
    <div class="row"><button class="home primary" data-i18n="finish">終了</button></div>
  </section>
</main>
<script>
"use strict";
const STATE = \#(states);
const T = {
  ja: { title: "行政サービス（証明書交付）", top: "ご利用になるサービスを選んでください", admin: "行政サービス", copy: "コピー", printsvc: "プリント",
        service: "行政サービス", certificates: "証明書交付", back: "戻る", card: "マイナンバーカードを読み取り部に置いてください",
        cardNote: "（シミュレーター：置くカードを選んでください）", cancel: "やめる", pin: "利用者証明用の暗証番号（数字4桁）を入力してください",
        clear: "訂正", ok: "確定", menu: "取得する証明書を選んでください", copies: "部数を選んでください", next: "次へ",
        confirm: "内容を確認してください", pay: "料金を投入してください", amount: "金額", insert: "お金を入れる",
        printing: "印刷しています。しばらくお待ちください", done: "証明書を印刷しました。お取り忘れにご注意ください。",
        takeCard: "マイナンバーカードをお取りください。", view: "印刷した証明書（PDF）", finish: "終了", error: "お取り扱いできません",
        honseki: "本籍地の証明書（戸籍）", city: "本籍地の市区町村を選んでください",
        kind: "証明書", copiesLabel: "部数", fee: "手数料", yen: "円", cardLabel: "カード", locked: "ロック中", pinFour: "暗証番号は4桁です",
        usePhone: "スマートフォン（スマホ用電子証明書）で利用する", phone: "スマートフォンを読み取り部にかざしてください",
        phoneNote: "（シミュレーター：かざすスマートフォンを選んでください）", phoneLabel: "スマートフォン",
        phoneUnlock: "スマートフォンの画面で、暗証番号の入力または生体認証を行ってください", phoneScreen: "利用者証明用電子証明書（スマートフォン）",
        bio: "生体認証（指紋・顔）", bioFail: "認証できない指・顔（シミュレーター）", takePhone: "スマートフォンをお忘れなく。" },
  en: { title: "Public services (certificates)", top: "Choose a service", admin: "Public services", copy: "Copy", printsvc: "Print",
        service: "Public services", certificates: "Certificates", back: "Back", card: "Place your My Number card on the reader",
        cardNote: "(Simulator: choose the card to place)", cancel: "Cancel", pin: "Enter the 4-digit PIN of your card (user authentication)",
        clear: "Clear", ok: "OK", menu: "Choose a certificate", copies: "How many copies?", next: "Next",
        confirm: "Please check", pay: "Please pay", amount: "Amount", insert: "Insert money",
        printing: "Printing, please wait", done: "Your certificate has printed. Please take it with you.",
        takeCard: "Please take your My Number card.", view: "The printed certificate (PDF)", finish: "Finish", error: "We cannot serve this request",
        honseki: "Family register (where it is kept)", city: "Choose the city that keeps your family register",
        kind: "Certificate", copiesLabel: "Copies", fee: "Fee", yen: " yen", cardLabel: "Card", locked: "locked", pinFour: "A PIN is four digits",
        usePhone: "Use a smartphone (its My Number certificate)", phone: "Hold your smartphone to the reader",
        phoneNote: "(Simulator: choose the phone to hold)", phoneLabel: "Smartphone",
        phoneUnlock: "On your phone, enter its PIN or use its fingerprint or face", phoneScreen: "User certificate (smartphone)",
        bio: "Fingerprint / face", bioFail: "An unrecognised finger or face (simulator)", takePhone: "Do not forget your smartphone." },
};
let lang = "ja";
let state = {};
const $ = (id) => document.getElementById(id);
function t(key) { return T[lang][key] || key; }
function show(id) {
  document.querySelectorAll("main > section").forEach((s) => { s.hidden = s.id !== id; });
  document.body.dataset.screen = id;
}
function translate() {
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  $("lang").textContent = lang === "ja" ? "English" : "日本語";
  if (state.menu) renderMenu();
  if (state.kind) renderConfirm();
  if (state.error) renderError();
}
async function api(path, body) {
  // While the copier talks to the city, the screen takes no touches: a double tap never pays or prints twice.
  const main = document.querySelector("main");
  main.inert = true;
  document.body.classList.add("busy");
  try {
    const response = await fetch(path, body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const data = await response.json();
    // Every server answers an error in one envelope: {error: {code, message: {ja, en}}}.
    if (!response.ok) {
      const e = data.error;
      throw e ? { code: e.code, ja: e.message.ja, en: e.message.en } : { code: "http" + response.status, ja: "エラー", en: "Error" };
    }
    return data;
  } finally {
    main.inert = false;
    document.body.classList.remove("busy");
  }
}
function fail(error) { state.error = error; renderError(); show("screen-error"); }
function renderError() {
  $("error-message").textContent = lang === "ja" ? state.error.ja : state.error.en;
  $("error-code").textContent = state.error.code;
}
async function home() {
  if (state.requestId && !state.printed) { try { await api("/api/sessions/" + state.requestId + "/cancel", {}); } catch (e) {} }
  state = {};
  show("screen-top");
}
async function chooseCard() {
  state.phone = undefined;
  show("screen-card");
  const cards = (await api("/api/cards")).filter((c) => c.medium !== "smartphone");
  const box = $("cards");
  box.replaceChildren();
  for (const c of cards) {
    const b = document.createElement("button");
    b.className = "card";
    b.dataset.file = c.file;
    b.innerHTML = "";
    b.append(t("cardLabel") + " …" + c.serialTail);
    const small = document.createElement("small");
    small.textContent = c.file + " (" + c.cityCode + ")" + (c.locked ? " — " + t("locked") : "");
    b.append(small);
    b.addEventListener("click", () => (state.honseki ? chooseCity(c.file) : placeCard(c.file)));
    box.append(b);
  }
}
async function choosePhone() {
  show("screen-phone");
  try {
    const phones = (await api("/api/cards")).filter((c) => c.medium === "smartphone");
    const box = $("phones");
    box.replaceChildren();
    for (const c of phones) {
      const b = document.createElement("button");
      b.className = "phone-choice";
      b.dataset.file = c.file;
      b.append(t("phoneLabel") + " …" + c.serialTail);
      const small = document.createElement("small");
      small.textContent = c.file + " (" + c.cityCode + ")" + (c.locked ? " — " + t("locked") : "");
      b.append(small);
      b.addEventListener("click", () => { state.phone = c; state.honseki ? chooseCity(c.file) : placeCard(c.file); });
      box.append(b);
    }
  } catch (e) { fail(e); }
}
async function chooseCity(file) {
  show("screen-city");
  try {
    const cities = await api("/api/cities");
    const box = $("cities");
    box.replaceChildren();
    for (const c of cities) {
      const b = document.createElement("button");
      b.className = "city";
      b.dataset.code = c.code;
      b.textContent = c.name;
      b.addEventListener("click", () => placeCard(file, c.code));
      box.append(b);
    }
  } catch (e) { fail(e); }
}
async function placeCard(file, city) {
  try {
    const s = await api("/api/sessions", city ? { card: file, city: city } : { card: file });
    state.requestId = s.requestId;
    state.pin = "";
    $("pin-message").textContent = "";
    $("phone-message").textContent = "";
    renderPin();
    if (state.phone) {
      $("phone-bio").hidden = !state.phone.biometric;
      $("phone-bio-fail").hidden = !state.phone.biometric;
      show("screen-phone-unlock");
    } else show("screen-pin");
  } catch (e) { fail(e); }
}
async function unlockPhone(body) {
  // The phone unlocks its own certificate and signs; the copier only passes the signature on to the city.
  try {
    state.menu = await api("/api/sessions/" + state.requestId + "/phone", body);
    renderMenu();
    show("screen-menu");
  } catch (e) {
    state.pin = "";
    renderPin();
    if (e.code === "card.pinWrong" || e.code === "card.biometricMismatch") {
      $("phone-message").textContent = (lang === "ja" ? e.ja : e.en);
      $("phone-message").dataset.code = e.code;
    } else fail(e);
  }
}
function submitPhonePin() {
  if (state.pin.length !== 4) { $("phone-message").textContent = t("pinFour"); return; }
  unlockPhone({ unlock: "pin", pin: state.pin });
}
function renderPin() {
  const dots = "●".repeat(state.pin.length) + "○".repeat(4 - state.pin.length);
  $("pin-dots").textContent = dots;
  $("phone-dots").textContent = dots;
}
async function submitPin() {
  if (state.pin.length !== 4) { $("pin-message").textContent = t("pinFour"); return; }
  try {
    state.menu = await api("/api/sessions/" + state.requestId + "/pin", { pin: state.pin });
    renderMenu();
    show("screen-menu");
  } catch (e) {
    state.pin = "";
    renderPin();
    if (e.code === "card.pinWrong") { $("pin-message").textContent = (lang === "ja" ? e.ja : e.en); $("pin-message").dataset.code = e.code; }
    else fail(e);
  }
}
function renderMenu() {
  $("menu-city").textContent = state.menu.cityName;
  const box = $("menu");
  box.replaceChildren();
  for (const item of state.menu.items.filter((i) => !state.honseki || i.kind.startsWith("familyRegister"))) {
    const b = document.createElement("button");
    b.className = "kind";
    b.dataset.kind = item.kind;
    b.append(lang === "ja" ? item.nameJa : item.nameEn);
    const small = document.createElement("small");
    small.textContent = item.feeYen + t("yen");
    b.append(small);
    b.addEventListener("click", () => { state.kind = item; state.copies = 1; $("copies-count").textContent = "1"; show("screen-copies"); });
    box.append(b);
  }
}
function renderConfirm() {
  const rows = [[t("kind"), lang === "ja" ? state.kind.nameJa : state.kind.nameEn], [t("copiesLabel"), String(state.copies)],
                [t("fee"), state.fee === undefined ? "…" : state.fee + t("yen")]];
  const table = $("confirm-summary");
  table.replaceChildren();
  for (const [k, v] of rows) {
    const tr = document.createElement("tr");
    for (const text of [k, v]) { const td = document.createElement("td"); td.textContent = text; tr.append(td); }
    table.append(tr);
  }
}
async function toConfirm() {
  state.fee = undefined;
  renderConfirm();
  show("screen-confirm");
  try {
    const q = await api("/api/sessions/" + state.requestId + "/quote", { kind: state.kind.kind, copies: state.copies });
    if (q.refusals && q.refusals.length) {
      // Order anyway so the city records the refusal, then show why.
      const refused = await api("/api/sessions/" + state.requestId + "/pay", { kind: state.kind.kind, copies: state.copies, paidYen: 0 });
      state.printed = true;
      fail((refused.refusals && refused.refusals[0]) || q.refusals[0]);
      return;
    }
    state.fee = q.quoteYen;
    renderConfirm();
  } catch (e) { fail(e); }
}
async function pay() {
  show("screen-printing");
  try {
    const issued = await api("/api/sessions/" + state.requestId + "/pay", { kind: state.kind.kind, copies: state.copies, paidYen: state.fee });
    if (issued.state === STATE.refused) { state.printed = true; fail(issued.refusals[0]); return; }
    const printed = await api("/api/sessions/" + state.requestId + "/print", {});
    state.printed = true;
    $("done-document").href = printed.document;
    $("done-id").textContent = printed.documentId;
    $("take-card").dataset.i18n = state.phone ? "takePhone" : "takeCard";
    $("take-card").textContent = t($("take-card").dataset.i18n);
    show("screen-done");
  } catch (e) { state.printed = true; fail(e); }
}
function setup() {
  for (const [pad, cls] of [["keypad", "key"], ["phone-keypad", "phone-key"]]) {
    for (const d of ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"]) {
      const b = document.createElement("button");
      b.className = cls;
      b.dataset.digit = d;
      b.textContent = d;
      b.addEventListener("click", () => { if (state.pin.length < 4) { state.pin += d; renderPin(); } });
      $(pad).append(b);
    }
  }
  $("use-phone").addEventListener("click", choosePhone);
  $("phone-bio").addEventListener("click", () => unlockPhone({ unlock: "biometric", matched: true }));
  $("phone-bio-fail").addEventListener("click", () => unlockPhone({ unlock: "biometric", matched: false }));
  $("phone-clear").addEventListener("click", () => { state.pin = ""; renderPin(); });
  $("phone-pin-ok").addEventListener("click", submitPhonePin);
  $("lang").addEventListener("click", () => { lang = lang === "ja" ? "en" : "ja"; translate(); });
  $("svc-admin").addEventListener("click", () => show("screen-service"));
  $("svc-certificates").addEventListener("click", () => { state.honseki = false; chooseCard(); });
  $("svc-honseki").addEventListener("click", () => { state.honseki = true; chooseCard(); });
  $("pin-clear").addEventListener("click", () => { state.pin = ""; renderPin(); });
  $("pin-ok").addEventListener("click", submitPin);
  $("copies-minus").addEventListener("click", () => { state.copies = Math.max(1, state.copies - 1); $("copies-count").textContent = state.copies; });
  $("copies-plus").addEventListener("click", () => { state.copies = Math.min(10, state.copies + 1); $("copies-count").textContent = state.copies; });
  $("copies-ok").addEventListener("click", toConfirm);
  $("confirm-ok").addEventListener("click", () => { if (state.fee !== undefined) { $("pay-amount").textContent = state.fee + t("yen"); show("screen-pay"); } });
  $("pay-insert").addEventListener("click", pay);
  document.querySelectorAll(".home, .cancel").forEach((b) => b.addEventListener("click", home));
  translate();
  show("screen-top");
}
setup();
</script>
</body>
</html>
"""#
}
