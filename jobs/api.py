"""REST endpoints for jobs, and the 202 helper every app uses after ``submit_job``."""
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import APIView

from jobs.models import Job
from jobs.serializers import JobCreateSerializer, JobSerializer, UsageSerializer
from jobs.services import NotCancellable, cancel_job, submit_job
from jobs.usage import usage_summary
from motif.strict import choice_list

STATUS_PARAMETER = OpenApiParameter(
    "status", {"type": "array", "items": {"type": "string", "enum": list(Job.Status.values)}, "minItems": 1},
    style="form", explode=False, description="Only jobs in these states, e.g. queued,running.",
)


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def accepted_response(job, request):
    """HTTP 202 with the job's JSON and its URL in ``Location``."""
    data = JobSerializer(job, context={"request": request}).data
    return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})


class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The current user's jobs. Other users' jobs do not exist here (404)."""

    serializer_class = JobSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Job.objects.none()
        queryset = Job.objects.filter(owner=self.request.user)
        status_filter = self.request.query_params.get("status")
        if self.action == "list" and status_filter is not None:
            queryset = queryset.filter(status__in=choice_list(status_filter, Job.Status.values, "status"))
        return queryset

    @extend_schema(parameters=[STATUS_PARAMETER])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=JobCreateSerializer, responses={202: JobSerializer})
    def create(self, request):
        """Start a job of a directly runnable kind (for example ``jobs.noop``)."""
        serializer = JobCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = submit_job(request.user, serializer.validated_data["kind"], serializer.validated_data["params"])
        return accepted_response(job, request)

    @extend_schema(request=None, responses={200: JobSerializer,
                                            409: OpenApiResponse(description="The job has finished already.")})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel a queued or running job. A finished job answers 409 with the reason."""
        job = self.get_object()
        try:
            job = cancel_job(job)
        except NotCancellable as exc:
            raise Conflict(str(exc)) from None
        return Response(JobSerializer(job).data)


class UsageView(APIView):
    """Your usage over the last 30 UTC days: jobs and model time, by model and by day, and today's
    model-time quota (refused submissions answer 429 with ``Retry-After`` until it renews)."""

    @extend_schema(responses={200: UsageSerializer})
    def get(self, request):
        return Response(UsageSerializer(usage_summary(request.user)).data)
