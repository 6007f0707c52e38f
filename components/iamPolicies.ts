import * as pulumi from "@pulumi/pulumi";

/** ECS tasks of this account and region only (confused-deputy guard). */
export function taskAssumeRolePolicy(region: string, accountId: pulumi.Input<string>) {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": accountId },
          ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:aws:ecs:${region}:${accountId}:*` },
        },
      },
    ],
  });
}

const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+)/;

/** The ECR repository an image lives in, or undefined for other registries (no ECR permission needed). */
export function ecrRepositoryArn(image: string): string | undefined {
  const match = ECR_IMAGE.exec(image);
  return match ? `arn:aws:ecr:${match[2]}:${match[1]}:repository/${match[3]}` : undefined;
}

/** What the ECS agent needs for one server: write its own log group, read its own secrets, pull its own image. */
export function executionRolePolicy(args: { logGroupArn: pulumi.Input<string>; secretArns: pulumi.Input<string>[]; image?: string; repositoryArn?: pulumi.Input<string> }) {
  const statements: object[] = [
    {
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: pulumi.interpolate`${args.logGroupArn}:*`,
    },
  ];
  if (args.secretArns.length > 0) {
    statements.push({ Sid: "ReadOwnSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: args.secretArns });
  }
  const repository = args.repositoryArn ?? (args.image ? ecrRepositoryArn(args.image) : undefined);
  if (repository) {
    statements.push(
      { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
      { Sid: "PullOwnImage", Effect: "Allow", Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"], Resource: repository },
    );
  }
  return pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements });
}
