from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    role = serializers.CharField()
    athlete_id = serializers.IntegerField(allow_null=True)


class MeView(APIView):
    """Who is signed in: id, e-mail, role and, for an athlete, her profile id."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user = request.user
        profile = getattr(user, "athlete_profile", None)
        data = {
            "id": user.pk,
            "email": user.email,
            "role": user.role,
            "athlete_id": profile.pk if profile is not None else None,
        }
        return Response(MeSerializer(data).data)
