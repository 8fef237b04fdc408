"""The feed in distributed mode: two web processes share a user's sessions and top-N through Redis."""
import httpx
import pytest
import redis

from tests.integration import stack

pytestmark = pytest.mark.integration


def write_hetrec(folder):
    """60 artists in two tag clusters, 40 listeners of one cluster each."""
    folder.mkdir()
    (folder / "artists.dat").write_text("id\tname\turl\tpictureURL\n" + "".join(
        f"{a}\tArtist {a}\thttp://x/{a}\t\n" for a in range(1, 61)), encoding="utf-8")
    rows = ["userID\tartistID\tweight"]
    for u in range(1, 41):
        for j in range(12):
            rows.append(f"{u}\t{(u * 3 + j * 2) % 30 * 2 + 1 + u % 2}\t{5 + j}")
    (folder / "user_artists.dat").write_text("\n".join(rows) + "\n")
    (folder / "tags.dat").write_bytes("tagID\ttagValue\n1\tfolk\n2\tmetal\n".encode("latin-1"))
    (folder / "user_taggedartists.dat").write_text("userID\tartistID\ttagID\tday\tmonth\tyear\n" + "".join(
        f"1\t{a}\t{1 + a % 2}\t1\t1\t2009\n" for a in range(1, 61)))
    return folder


def test_two_web_processes_share_feed_sessions_and_the_users_top_n(distributed, tmp_path):
    env = distributed["env"]
    stack.manage(env, "import_catalog", "lastfm-hetrec", "--path", str(write_hetrec(tmp_path / "hetrec")), "--json")
    stack.manage(env, "train_recommender", "--json", "--no-tune", "--components", "itemknn", "popularity",
                 "content")
    headers = {"Authorization": f"Token {distributed['tokens']['alice']}"}
    with stack.asgi_server(env, distributed["logs"] / "web-second.log") as second:
        first = httpx.get(distributed["url"] + "/api/feed/", headers=headers, timeout=30).json()
        following = httpx.get(second + "/api/feed/", params={"session": first["session"]}, headers=headers,
                              timeout=30).json()
        other_session = httpx.get(second + "/api/feed/", headers=headers, timeout=30).json()
    assert len(first["results"]) == 20 and following["page"] == 2 and len(following["results"]) == 20
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in following["results"]}
    # a new session in the other process starts from the same top-N
    assert [r["id"] for r in other_session["results"]] == [r["id"] for r in first["results"]]
    keys = {k.decode().split(":", 2)[-1] for k in redis.Redis.from_url(stack.REDIS_TEST_URL).keys("*recommender:*")}
    assert any(k.startswith("recommender:ranking:") for k in keys), keys
