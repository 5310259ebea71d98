from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from athletes.access import AthleteNestedMixin, SignedIn, signed_in_user
from web.api.pagination import StandardPagination

from .. import selectors, services
from ..models import MAX_ID, REFERENCE_FIELDS, Message
from .serializers import MessageSerializer


class ReferenceInputSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=list(REFERENCE_FIELDS))
    id = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class MessageCreateSerializer(MessageSerializer):
    reference = ReferenceInputSerializer(  # type: ignore[assignment]
        required=False,
        allow_null=True,
        help_text='Instead of the four ids: {"type": "checkin", "id": 3}.',
    )

    class Meta(MessageSerializer.Meta):
        pass


class AthleteMessageListCreate(AthleteNestedMixin, generics.ListCreateAPIView[Message]):
    """Her conversation with her coach (SPEC §12), oldest first (as a conversation reads;
    the last page holds the newest). Her coach and she herself read and write; staff read
    (a POST answers 403); anyone else's athlete answers 404. Reading here does not mark
    messages read (a GET never writes): ``read_at`` is set when the other side opens the
    thread in the app, or replies."""

    serializer_class = MessageSerializer
    permission_classes = [SignedIn]
    pagination_class = StandardPagination

    def get_queryset(self):
        return (
            selectors.messages_visible_to(self.request.user)
            .filter(athlete=self.get_athlete())
            .order_by("sent_at", "id")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        user = signed_in_user(self.request)
        context["for_coach"] = selectors.reads_as_coach(user, self.get_athlete())
        return context

    @extend_schema(request=MessageCreateSerializer, responses={201: MessageSerializer})
    def post(self, request: Request, *args, **kwargs) -> Response:
        user = signed_in_user(request)
        athlete = self.get_athlete()
        if not services.may_write(user, athlete):
            raise exceptions.PermissionDenied(
                "Staff read conversations; only she and her coach write."
            )
        serializer = MessageCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        named = serializer.references()
        reference = serializer.validated_data.get("reference")
        if reference:
            named[reference["type"]] = reference["id"]
        # The service's ValidationError answers 400 with its field errors (web.api.exceptions).
        records: dict[str, Any] = {}
        for kind, pk in named.items():
            records.update(services.reference_resolve(athlete=athlete, by=user, kind=kind, pk=pk))
        message = services.message_post(
            athlete=athlete, by=user, body=serializer.validated_data["body"], **records
        )
        message = self.get_queryset().get(pk=message.pk)
        body = MessageSerializer(message, context=self.get_serializer_context())
        return Response(body.data, status=status.HTTP_201_CREATED)
