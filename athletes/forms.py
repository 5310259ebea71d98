from __future__ import annotations

from django import forms


class CoachSignupForm(forms.Form):
    """Extra field on allauth's sign-up form. Everyone who signs up here is a coach."""

    name = forms.CharField(
        max_length=150,
        label="Your name",
        widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": "Alex Morgan"}),
    )

    def signup(self, request, user) -> None:
        user.name = self.cleaned_data["name"].strip()
        user.save(update_fields=["name"])
