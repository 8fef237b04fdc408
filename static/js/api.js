// Fetch helper for the Motif API: JSON in and out, CSRF header, errors as exceptions.
export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) return decodeURIComponent(match[1]);
  return document.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
}

export class ApiError extends Error {
  constructor(status, data) {
    super(ApiError.describe(data) || `HTTP ${status}`);
    this.status = status;
    this.data = data;
  }

  // Turns DRF's error JSON ({"detail": ...} or {"field": ["msg"]}, nested for lists and objects) into
  // the sentences themselves: the people reading them know the form, not its field names, so the
  // names are left out and a sentence said for several fields is said once.
  static describe(data) {
    if (!data || typeof data !== "object") return "";
    if (typeof data.detail === "string") return data.detail;
    const sentences = [];
    const collect = (value) => {
      if (typeof value === "string") sentences.push(value);
      else if (value && typeof value === "object") Object.values(value).forEach(collect);
    };
    collect(data);
    return [...new Set(sentences)].join(" ");
  }
}

export async function api(path, { method = "GET", body, headers = {} } = {}) {
  const init = { method, headers: { Accept: "application/json", ...headers }, credentials: "same-origin" };
  if (method !== "GET" && method !== "HEAD") init.headers["X-CSRFToken"] = csrfToken();
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { detail: text }; }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}
