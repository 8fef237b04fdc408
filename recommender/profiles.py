"""What the recommender reads from a musician's profile: the profile itself, the tag words of the
instruments and genres they chose (cold start), and who paused personalisation."""
from __future__ import annotations

# Profile instruments and genres -> tag words used in the catalogue (cold start).
INSTRUMENT_TERMS = {
    "violin": ["violin", "fiddle", "strings", "classical"], "cello": ["cello", "strings", "classical"],
    "piano": ["piano", "classical", "keyboard"], "keyboards": ["keyboard", "synth", "electronic"],
    "guitar": ["guitar", "acoustic", "rock"], "bass": ["bass", "funk"], "drums": ["drums", "percussion"],
    "flute": ["flute", "folk", "celtic"], "clarinet": ["clarinet", "jazz"], "saxophone": ["saxophone", "jazz"],
    "trumpet": ["trumpet", "jazz"], "voice": ["vocal", "choral", "singer-songwriter"],
    "erhu": ["chinese", "erhu", "folk"], "guzheng": ["chinese", "guzheng", "folk"],
    "production": ["electronic", "ambient", "producer"],
}


def profile_of(user):
    """The user's profile, created on first use (token authentication loads it with the user)."""
    from accounts.models import Profile

    try:
        return user.profile
    except Profile.DoesNotExist:
        profile, _ = Profile.objects.get_or_create(user=user)
        return profile


def profile_terms(profile) -> list[str]:
    """The tag words of a profile's instruments and genres."""
    terms = []
    for instrument in profile.instruments or []:
        terms += INSTRUMENT_TERMS.get(instrument, [instrument])
    terms += [g for g in profile.genres or []]
    return terms


def paused_user_ids():
    """Ids of the users who paused personalisation (their events train nothing)."""
    from accounts.models import Profile

    return Profile.objects.filter(personalisation_paused=True).values_list("user_id", flat=True)
