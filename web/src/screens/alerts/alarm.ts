// The alarm tone: a repeating two-note tone made with the Web Audio API (no
// sound file), played while an incoming alert waits for acknowledgement.
//
// Browsers let a page play sound only after a person interacted with it, so
// the AudioContext is created (armed) on the sign-in click or the "arm the
// alarm" button; until then the console shows that the alarm is not armed.
let context: AudioContext | null = null;
let timer: ReturnType<typeof setInterval> | null = null;
const listeners = new Set<() => void>();

function notify() {
  for (const l of listeners) l();
}

export function onAlarmChange(l: () => void): () => void {
  listeners.add(l);
  return () => {
    listeners.delete(l);
  };
}

// Call from a user gesture (a click or a key press).
export function armAlarm() {
  try {
    if (!context) {
      context = new AudioContext();
      context.onstatechange = () => {
        // Ring at once when the alarm gets armed while an alert waits.
        if (timer && context?.state === 'running') ring();
        notify();
      };
    }
    void context.resume().then(notify, notify);
  } catch {
    context = null;
  }
  notify();
}

// Arms the alarm on the person's first click or key press anywhere in the
// page (a reload keeps the session but not the browser's permission to play
// sound).
let gestureWatch = false;
export function armOnFirstGesture() {
  if (gestureWatch) return;
  gestureWatch = true;
  const arm = () => {
    if (alarmArmed()) return;
    armAlarm();
  };
  // On the click, not the press: the warning going away must not move what
  // the person is clicking.
  document.addEventListener('click', arm, true);
  document.addEventListener('keydown', arm, true);
}

export function alarmArmed(): boolean {
  return context?.state === 'running';
}

// True while the tone rings: an alert waits and the AudioContext runs.
export function alarmSounding(): boolean {
  return timer !== null && alarmArmed();
}

function beep(at: number, frequency: number) {
  if (!context) return;
  const osc = context.createOscillator();
  const gain = context.createGain();
  osc.type = 'square';
  osc.frequency.value = frequency;
  gain.gain.setValueAtTime(0.0001, at);
  gain.gain.exponentialRampToValueAtTime(0.2, at + 0.02);
  gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.35);
  osc.connect(gain).connect(context.destination);
  osc.start(at);
  osc.stop(at + 0.4);
}

// One tab of the browser plays the tone (a Web Lock), so that a desk with
// several tabs open hears one alarm, not several out of step; every tab
// shows the banner. Only an armed tab takes the lock, and the others try
// again at each ring, so the tone goes on when the ringing tab is closed.
let holdingTone = false;
let askingTone = false;
let releaseTone: (() => void) | null = null;

function holdTone() {
  if (holdingTone || askingTone) return;
  if (!('locks' in navigator)) {
    holdingTone = true;
    return;
  }
  askingTone = true;
  navigator.locks
    .request('hotline-alarm-tone', { ifAvailable: true }, (lock) => {
      askingTone = false;
      if (!lock || !timer) return undefined;
      holdingTone = true;
      ring();
      notify();
      return new Promise<void>((resolve) => {
        releaseTone = () => {
          holdingTone = false;
          releaseTone = null;
          resolve();
          notify();
        };
      });
    })
    .catch(() => {
      askingTone = false;
    });
}

function ring() {
  if (!context || context.state !== 'running') return;
  if (!holdingTone) {
    holdTone();
    if (!holdingTone) return;
  }
  const now = context.currentTime;
  beep(now, 880);
  beep(now + 0.45, 660);
}

export function startAlarm() {
  if (timer) return;
  ring();
  timer = setInterval(ring, 2000);
  notify();
}

export function stopAlarm() {
  if (!timer) return;
  clearInterval(timer);
  timer = null;
  releaseTone?.();
  notify();
}

// Whether this tab is the one playing the tone (the others show the banner).
export function alarmPlaysHere(): boolean {
  return holdingTone && alarmSounding();
}
