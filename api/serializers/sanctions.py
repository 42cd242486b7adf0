from collections import defaultdict

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.base.serializers import LightReadMixin, PreparedListSerializer, Row
from api.base.viewsets import TransitionSerializer
from audits.choices import SettlementBasis
from audits.models import Finding, PersonLiable, Sanction, SanctionPayment

MONEY = {"max_digits": 18, "decimal_places": 2}


class LiabilitySerializer(LightReadMixin, serializers.ModelSerializer):
    class Meta:
        model = PersonLiable
        fields = ["name", "position", "share_percent"]


class PersonsLiableField(serializers.ListField):
    """API.md's `persons_liable`: the names. Written as a list of names, which share the
    amount equally; `liabilities` gives positions and unequal shares."""

    child = serializers.CharField(max_length=200)

    def get_attribute(self, instance):  # a sanction not read through SanctionSerializer
        return [person.name for person in instance.liabilities.all()]


class SanctionSerializer(LightReadMixin, serializers.ModelSerializer):
    finding = serializers.PrimaryKeyRelatedField(
        queryset=Finding.objects.none(),
        error_messages={"does_not_exist": _("Unknown finding: no finding with id {pk_value}.")},
    )
    persons_liable = PersonsLiableField(required=False, min_length=1)
    liabilities = LiabilitySerializer(many=True, required=False)
    amount_settled = serializers.DecimalField(**MONEY, read_only=True)
    balance = serializers.DecimalField(**MONEY, read_only=True)
    matured_into = serializers.SerializerMethodField()
    prepared_fields = {"persons_liable": "liability_names", "liabilities": "liability_rows"}

    class Meta:
        model = Sanction
        list_serializer_class = PreparedListSerializer
        fields = [
            "id",
            "finding",
            "kind",
            "reference",
            "amount",
            "persons_liable",
            "issued_on",
            "received_on",
            "status",
            "settle_by",
            "appeal_by",
            "amount_settled",
            "settlement_basis",
            "settlement_reason",
            # extensions
            "settlement_decision_reference",
            "liabilities",
            "balance",
            "matured_from",
            "matured_into",
            "engagement",
            "issued_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "settlement_basis",
            "settlement_reason",
            "settlement_decision_reference",
            "settle_by",
            "appeal_by",
            "matured_from",
            "engagement",
            "issued_by",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "issued_on": {"required": False},
            "received_on": {"required": False},
            # uniqueness is checked by the service, in its transaction
            "reference": {"validators": []},
        }

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            # A finding the caller may not see is as unknown as one that does not exist.
            fields["finding"].queryset = Finding.objects.visible_to(request.user)
        return fields

    def prepare(self, sanctions):
        """The persons liable of a page's sanctions, in one query, as plain rows."""
        columns = ["sanction_id", *LiabilitySerializer.Meta.fields]
        rows = PersonLiable.objects.filter(sanction__in=[s.pk for s in sanctions])
        liable = defaultdict(list)
        for row in rows.order_by("pk").values(*columns):
            liable[row["sanction_id"]].append(Row(row))
        person = LiabilitySerializer()
        for sanction in sanctions:
            sanction.liability_names = [row.name for row in liable[sanction.pk]]
            sanction.liability_rows = [person.to_representation(r) for r in liable[sanction.pk]]

    def get_matured_into(self, sanction) -> int | None:
        if hasattr(sanction, "replacement_id"):  # annotated by the view
            return sanction.replacement_id
        try:
            return sanction.matured_into.pk
        except Sanction.matured_into.RelatedObjectDoesNotExist:
            return None

    def validate(self, attrs):
        if "persons_liable" in attrs and "liabilities" in attrs:
            raise serializers.ValidationError(
                {"liabilities": [_("Give either persons_liable or liabilities, not both.")]}
            )
        if not attrs.get("persons_liable") and not attrs.get("liabilities"):
            raise serializers.ValidationError(
                {"persons_liable": [_("Name at least one person liable.")]}
            )
        return attrs


class SanctionTransitionSerializer(TransitionSerializer):
    """A move to `settled` by hand says on what basis (`compliance` for a suspension,
    `decision` for a disallowance or charge, with the decision's reference); `payment`
    settles a notice only when it is paid in full."""

    settlement_basis = serializers.ChoiceField(
        choices=SettlementBasis.choices, required=False, allow_blank=True, default=""
    )
    decision_reference = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=100
    )


class SanctionCorrectionSerializer(serializers.ModelSerializer):
    """PATCH: only the reference and the date of receipt, with a reason. The status is
    never written here (use transition/); other fields are ignored. Correcting
    `received_on` after issue is for a supervisor of the SAI, with a `change_reason`:
    the clocks (`settle_by`, `appeal_by`) are recomputed and the history keeps both dates."""

    change_reason = serializers.CharField(write_only=True, required=False, allow_blank=True)

    class Meta:
        model = Sanction
        fields = ["reference", "received_on", "change_reason"]
        extra_kwargs = {
            "reference": {"required": False, "validators": []},
            "received_on": {"required": False},
        }


class PaymentSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(**MONEY)
    confirm_shared_receipt = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text=_(
            "Required (true) when the receipt is already recorded on another notice of the "
            "same agency: one receipt may settle several notices, never silently."
        ),
    )

    class Meta:
        model = SanctionPayment
        fields = [
            "id",
            "sanction",
            "paid_on",
            "amount",
            "receipt_reference",
            "confirm_shared_receipt",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = ["sanction", "recorded_by", "recorded_at"]


class SanctionTotalsSerializer(serializers.Serializer):
    issued = serializers.DecimalField(**MONEY)
    settled = serializers.DecimalField(**MONEY)
    outstanding = serializers.DecimalField(**MONEY)
