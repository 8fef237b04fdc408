"""Forms of sign-up, the profile and account deletion."""
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import GENRE_CHOICES, INSTRUMENT_CHOICES, Profile


class ProfileFieldsMixin(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=80, required=False)
    instruments = forms.MultipleChoiceField(
        label=_("Instruments you play"), choices=INSTRUMENT_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    genres = forms.MultipleChoiceField(
        label=_("Favourite genres"), choices=GENRE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )


class SignUpForm(ProfileFieldsMixin, UserCreationForm):
    email = forms.EmailField(label=_("E-mail"), required=False, help_text=_("Only used to reset your password."))

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            profile = user.profile
            profile.display_name = self.cleaned_data["display_name"]
            profile.instruments = self.cleaned_data["instruments"]
            profile.genres = self.cleaned_data["genres"]
            profile.save()
        return user


class ProfileForm(forms.ModelForm):
    instruments = ProfileFieldsMixin.base_fields["instruments"]
    genres = ProfileFieldsMixin.base_fields["genres"]

    class Meta:
        model = Profile
        fields = ("display_name", "instruments", "genres", "personalisation_paused")


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=80, help_text=_("For example “laptop script”."))


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput)
    confirm = forms.BooleanField(label=_("I understand that everything I made here will be deleted for good."))

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password
